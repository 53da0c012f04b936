package org.rnnservice.engine.parallel;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How the engine's threads wait for each other, the one policy for all of them: spin for up to 2 ms, then park. A
 * training batch of a small model takes about a millisecond, and waking a parked thread on a virtual machine, whose
 * idle vCPU the hypervisor has halted, can take a good part of that, so short waits spin (as OpenMP's threads do);
 * longer ones give the core back. While the open teams have more threads than the machine has cores (two jobs
 * training at once, each on every core), nothing spins: a spinning thread would take its core from a thread of the
 * other team that has work.
 */
final class SpinThenPark {

    /** How long a wait spins before it parks. */
    static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** How long one park of a wait that nobody wakes lasts before the condition is checked again. */
    static final long PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private SpinThenPark() {
    }

    /**
     * Whether a wait that began at {@code start} is still in its spinning phase, after {@link Thread#onSpinWait} once
     * more. The clock is read only every 64th time: the two vCPUs may be hyperthreads of one core, where every
     * instruction a waiting thread runs is taken from the working one.
     */
    static boolean spinning(int spins, long start) {
        if (TeamThreads.oversubscribed()) {
            return false;
        }
        if ((spins & 63) != 0 || System.nanoTime() - start < SPIN_NANOS) {
            Thread.onSpinWait();
            return true;
        }
        return false;
    }

    /** One step of a wait for a condition no thread signals: a spin while young, then a short park. */
    static void pause(int spins, long start, Object blocker) {
        if (!spinning(spins, start)) {
            LockSupport.parkNanos(blocker, PARK_NANOS);
        }
    }
}
