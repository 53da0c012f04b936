package org.rnnservice.storage;

import java.io.IOException;

/**
 * A replica's right to write for a job it trains: its claim on the job's queue row ({@code task}, {@code instance}),
 * as it picked it ({@code owner}, {@code version}). A replica that took the job over re-picked the row, so the claim
 * of the replica it took it from no longer matches. While a claim is bound to a thread, every write the store makes
 * on that thread first checks, in the write's own transaction, that the claim still holds, and fails with
 * {@link FencedException} when it does not: a replica that lost its lease (a long pause, a network partition) and
 * wakes up changes nothing. Only the token is bound to the thread, never a connection.
 */
public record WriteFence(String task, String instance, String owner, long version) {

    private static final ThreadLocal<WriteFence> CURRENT = new ThreadLocal<>();

    /** An action whose store writes the fence guards. */
    @FunctionalInterface
    public interface Guarded {
        void run() throws IOException;
    }

    /** Runs {@code action} with this claim guarding every store write it makes on this thread. */
    public void guard(Guarded action) throws IOException {
        WriteFence outer = CURRENT.get();
        CURRENT.set(this);
        try {
            action.run();
        } finally {
            CURRENT.set(outer);
        }
    }

    /** The claim guarding this thread's writes, or null. */
    public static WriteFence current() {
        return CURRENT.get();
    }

    /** A write refused because the claim that guarded it has passed to another replica. */
    public static final class FencedException extends IOException {
        public FencedException(WriteFence fence) {
            super("job " + fence.instance() + " is no longer this replica's (" + fence.owner() + "): another replica"
                    + " took it over, so this one writes nothing more for it");
        }
    }

    /** Whether {@code e} or one of its causes is a refused write. */
    public static boolean fenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FencedException) {
                return true;
            }
        }
        return false;
    }
}
