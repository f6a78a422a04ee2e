/**
 * The refresh path. {@link dev.tokenwarden.refresh.RefreshAttempt} is the algorithm, top to
 * bottom; {@link dev.tokenwarden.refresh.RefreshCoordinator} runs attempts off the stream thread, one at a
 * time per account, with retries; {@link dev.tokenwarden.refresh.RefreshProcessor} connects both to the
 * topology and its dedup store.
 */
package dev.tokenwarden.refresh;
