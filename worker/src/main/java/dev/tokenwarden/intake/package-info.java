/**
 * The first step for every input record: decode, check against its schema, size and key, then pass the
 * event on or write it to the dead-letter topic with its original bytes and the reason. The stream never
 * stops on bad input, and no record disappears without a log line and a metric.
 */
package dev.tokenwarden.intake;
