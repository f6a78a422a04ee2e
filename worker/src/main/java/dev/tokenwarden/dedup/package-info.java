/**
 * Per-account de-duplication of refresh-needed events, per partition, in a changelogged state store. The
 * store also remembers which refreshes are in flight, so a worker that takes over a partition resumes them.
 * Correctness never depends on it: after a rebalance it may be cold, and the database guards still hold.
 */
package dev.tokenwarden.dedup;
