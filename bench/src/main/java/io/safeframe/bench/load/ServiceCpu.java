package io.safeframe.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU seconds (user + system) each part of the local stack spent: the processes `./safeframe up` started (its pid
 * files) and PostgreSQL (every process named postgres; connections are processes of their own). Read from
 * /proc/PID/stat before and after the run; Linux only, which is where the stack runs.
 */
final class ServiceCpu {

    /** USER_HZ: 100 on every Linux architecture the stack runs on (the kernel fixes it for user space). */
    private static final double TICKS_PER_SECOND = 100.0;

    private final Path pidDirectory;

    ServiceCpu(Path pidDirectory) {
        this.pidDirectory = pidDirectory;
    }

    Map<String, Double> snapshot() throws IOException {
        Map<String, Double> seconds = new TreeMap<>();
        if (Files.isDirectory(pidDirectory)) {
            try (Stream<Path> files = Files.list(pidDirectory)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
                    String name = file.getFileName().toString().replace(".pid", "");
                    long pid = Long.parseLong(Files.readString(file).trim());
                    Double cpu = cpuSeconds(pid);
                    if (cpu != null) {
                        seconds.put(name, cpu);
                    }
                }
            }
        }
        seconds.put("postgresql", postgresSeconds());
        return seconds;
    }

    static Map<String, Double> difference(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> spent = new TreeMap<>();
        after.forEach((name, seconds) -> spent.put(name, seconds - before.getOrDefault(name, 0.0)));
        return spent;
    }

    private static double postgresSeconds() throws IOException {
        double total = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    if ("postgres".equals(Files.readString(process.resolve("comm")).trim())) {
                        Double cpu = cpuSeconds(Long.parseLong(process.getFileName().toString()));
                        total += cpu == null ? 0 : cpu;
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        }
        return total;
    }

    /** utime + stime of a process, or null when it is gone. */
    static Double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }
}
