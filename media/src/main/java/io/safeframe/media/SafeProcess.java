package io.safeframe.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a helper program for untrusted input: absolute executable path, an empty environment (a service's
 * environment holds its keys and database password; a decoder exploited by hostile media must not find them) with
 * only a fixed PATH and the C locale, and kernel limits through util-linux prlimit where it is installed.
 */
public final class SafeProcess {

    static final Path PRLIMIT = Path.of("/usr/bin/prlimit");
    /**
     * The whole environment a child gets. OMP_THREAD_LIMIT=1: tesseract is built with OpenMP and would otherwise take
     * every core for one frame; the service runs analyses side by side instead (MediaWorkers), so one thread each.
     */
    static final Map<String, String> ENVIRONMENT = Map.of("PATH", "/usr/bin:/bin", "LC_ALL", "C", "OMP_THREAD_LIMIT", "1");

    private SafeProcess() {
    }

    /** The builder, not started: {@code command.get(0)} is resolved to an absolute path in /usr/bin, /bin or /usr/local/bin. */
    public static ProcessBuilder builder(List<String> command, ProcessLimits limits) throws MediaRefused {
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(PRLIMIT)) {
            full.addAll(List.of(PRLIMIT.toString(), "--as=" + limits.memoryBytes(), "--cpu=" + limits.cpuSeconds(),
                    "--fsize=" + limits.maxFileBytes(), "--core=0", "--"));
        }
        full.add(resolve(command.get(0)));
        full.addAll(command.subList(1, command.size()));
        ProcessBuilder builder = new ProcessBuilder(full);
        builder.environment().clear();
        builder.environment().putAll(ENVIRONMENT);
        return builder;
    }

    /** Started, with its stdin closed when there is nothing to feed it. */
    public static Process start(List<String> command, ProcessLimits limits, boolean feedsStdin) throws MediaRefused {
        try {
            Process p = builder(command, limits).start();
            if (!feedsStdin) {
                p.getOutputStream().close();
            }
            return p;
        } catch (IOException e) {
            throw new MediaRefused("cannot start " + command.get(0) + " (is its Debian package installed?)");
        }
    }

    static String resolve(String program) throws MediaRefused {
        if (program.startsWith("/")) {
            return program;
        }
        for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new MediaRefused(program + " is not installed (see the Debian packages in ./safeframe)");
    }
}
