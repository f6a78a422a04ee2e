package dev.tokenwarden.events;

import java.time.Instant;

/**
 * CloudEvents attributes read from binary-mode headers.
 *
 * @param id never null
 * @param type null when absent
 * @param source null when absent
 * @param time null when absent or not an RFC 3339 instant
 * @param specVersion null when absent
 */
public record CloudEventAttributes(String id, String type, String source, Instant time, String specVersion) {}
