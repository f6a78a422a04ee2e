/**
 * An imitation of an unmodified sub2api gateway's inline OAuth refresh, written in Go apart from the worker and run
 * as separate processes beside it: the proof that {@code lock.sub2api-compatible} lets the two share accounts.
 */
package dev.tokenwarden.stack.sub2api;
