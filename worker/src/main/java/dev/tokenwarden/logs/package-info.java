/**
 * How the worker's log lines look, and the only package that knows logback. Text is the default (time, thread,
 * level, logger, message, in slf4j-simple's layout); {@code log.format=json} writes one
 * JSON object per line with the account id, the record's topic/partition/offset, the attempt id and the W3C trace
 * and span ids ({@link dev.tokenwarden.logs.TraceMdc}) as fields.
 * Every line is capped (message, stack), and repeated warnings of an outage are limited with a count of what was
 * left out (one Redisson warning was 1.6 MB; a Redis outage wrote one per account and second).
 */
package dev.tokenwarden.logs;
