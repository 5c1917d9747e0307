package io.c2c.testing;

import java.time.Duration;

/**
 * A server the harness runs as a child process, with the fault operations tests need: a clean
 * stop, a crash ({@link #kill}) and a restart on the same ports and storage.
 */
public abstract class ManagedServer implements AutoCloseable {

    /** The running process, or null before the first launch. */
    protected ChildProcess process;

    /** Starts the process and returns only when the server really serves (or throws). */
    protected abstract void launch(Duration timeout);

    /** How long a SIGTERM may take before SIGKILL follows. */
    protected abstract Duration stopGrace();

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** SIGTERM and wait for a clean shutdown. */
    public void stop() {
        if (process != null) {
            process.stop(stopGrace());
        }
    }

    /** SIGKILL, as a crash would. */
    public void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /** Starts again on the same ports and storage, e.g. after {@link #stop} or {@link #kill} in a fault test. */
    public void restart(Duration timeout) {
        if (isRunning()) {
            stop();
        }
        launch(timeout);
    }

    @Override
    public void close() {
        stop();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
