package io.c2c.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A child process of the harness with its output in a log file and its pid in a pid file, so that
 * another JVM (the next {@code ./c2c down}) can stop exactly it and nothing else. The pid file
 * also stores the process's start time; a recycled pid belongs to a process started later and
 * never matches.
 */
public final class ChildProcess {

    private final String name;
    private final ProcessHandle handle;
    private final Path pidFile;

    private ChildProcess(String name, ProcessHandle handle, Path pidFile) {
        this.name = name;
        this.handle = handle;
        this.pidFile = pidFile;
    }

    /**
     * Starts {@code command}, appending its stdout and stderr to {@code logFile}. The process keeps
     * running after this JVM exits.
     */
    public static ChildProcess start(String name, List<String> command, Path logFile, Path pidFile,
                                     Map<String, String> environment) {
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            Files.createDirectories(pidFile.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(environment);
            Process process = builder.start();
            Files.writeString(pidFile, process.pid() + "\n" + startTime(process.toHandle()) + "\n",
                    StandardCharsets.UTF_8);
            return new ChildProcess(name, process.toHandle(), pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** The live process recorded in {@code pidFile}, if there is one and it is still ours. */
    public static Optional<ChildProcess> fromPidFile(String name, Path pidFile) {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.size() < 2) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            String startTime = lines.get(1).trim();
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> startTime.equals(startTime(h)))
                    .map(h -> new ChildProcess(name, h, pidFile));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String startTime(ProcessHandle handle) {
        return handle.info().startInstant().map(Object::toString).orElse("unknown");
    }

    public long pid() {
        return handle.pid();
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    /** SIGTERM, then SIGKILL if the process has not exited within {@code grace}. Removes the pid file. */
    public void stop(Duration grace) {
        if (handle.isAlive()) {
            handle.destroy();
            try {
                handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception timeoutOrInterrupt) {
                if (timeoutOrInterrupt instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                kill();
            }
        }
        deletePidFile();
    }

    /** SIGKILL, as a crash would; waits until the process is gone. */
    public void kill() {
        handle.destroyForcibly();
        try {
            handle.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException(name + " (pid " + handle.pid() + ") did not die after SIGKILL", e);
        }
        deletePidFile();
    }

    private void deletePidFile() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // A stale pid file is harmless: fromPidFile checks that the pid is alive and ours.
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + handle.pid() + ")";
    }
}
