package dev.tokenwarden.refresh;

import java.util.function.BooleanSupplier;

/**
 * Who owns a job: the stream task that started it. When the task closes (its partition was revoked or the worker
 * stops) the scope closes, and no job of it calls the provider afterwards: the partition's next owner resumes the
 * job from the changelog, and two owners must never spend one refresh token (issue 8). A call already made runs
 * to its write: its answer may be the only copy of a rotated token.
 */
final class JobScope implements BooleanSupplier {
    private volatile boolean open = true;
    private final String owner;

    JobScope(String owner) {
        this.owner = owner;
    }

    @Override
    public boolean getAsBoolean() {
        return open;
    }

    void close() {
        open = false;
    }

    @Override
    public String toString() {
        return owner + (open ? "" : " (closed)");
    }
}
