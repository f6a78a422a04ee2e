/**
 * {@code tokenwarden bench}: scenarios measured from outside the worker (committed offsets,
 * the provider's counters, a write-counting trigger, /proc), each beside a ceiling or baseline from the same run.
 */
package dev.tokenwarden.demo.bench;
