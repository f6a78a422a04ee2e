/**
 * How the worker's log lines look (issue 11), and the only package that knows logback. Text stays the default
 * (the line slf4j-simple wrote before: time, thread, level, logger, message); {@code log.format=json} writes one
 * JSON object per line with the account id, the record's topic/partition/offset, the attempt id and the W3C trace
 * and span ids ({@link dev.tokenwarden.logs.TraceMdc}) as fields.
 * Every line is capped (message, stack), and repeated warnings of an outage are limited with a count of what was
 * left out (one Redisson warning was 1.6 MB; a Redis outage wrote one per account and second).
 */
package dev.tokenwarden.logs;
