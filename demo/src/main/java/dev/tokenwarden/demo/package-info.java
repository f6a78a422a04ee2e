/**
 * {@code tokenwarden demo}: the worker on the local stack, with simulated gateways sending refresh bursts
 * and malformed events, a progress line while it runs, and a summary table (and JSON report) at the end.
 */
package dev.tokenwarden.demo;
