package io.safeframe.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Exactly one place in the product starts a child process: {@link SafeProcess} (sniffed format, file protocol only,
 * empty environment, limits). A second ProcessBuilder or Runtime.exec in any module's main code — a new ffmpeg
 * wrapper that skips those limits — fails here. test-support is test infrastructure (it starts service JVMs), not
 * product code. The one other launcher is named here on purpose: the curation job's local mode starts copies of its
 * own JVM as shards (the Kubernetes Indexed Job's shape on one machine); it must never start a media tool.
 */
class OneLauncherTest {

    private static final Pattern LAUNCH = Pattern.compile("new\\s+ProcessBuilder\\s*\\(|Runtime\\.getRuntime\\(\\)\\s*\\.exec\\s*\\(|ProcessBuilder\\.startPipeline");

    @Test
    void onlySafeProcessStartsProcesses() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(root.resolve("pom.xml")), "run from a module of the reactor: " + root);
        List<Path> launchers;
        try (Stream<Path> files = Files.walk(root)) {
            launchers = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))
                    .filter(p -> !p.startsWith(root.resolve("test-support")))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/node_modules/"))
                    .filter(OneLauncherTest::launches)
                    .map(root::relativize).sorted().toList();
        }
        assertEquals(List.of(CURATION_SHARDS, Path.of("media/src/main/java/io/safeframe/media/SafeProcess.java")), launchers);
        String shards = Files.readString(root.resolve(CURATION_SHARDS));
        for (String tool : List.of("ffmpeg", "ffprobe", "tesseract", "pocketsphinx", "espeak")) {
            assertTrue(!shards.contains(tool), CURATION_SHARDS + " starts shard JVMs only, never " + tool);
        }
    }

    private static final Path CURATION_SHARDS = Path.of("curation/src/main/java/io/safeframe/curation/CurateCli.java");

    private static boolean launches(Path file) {
        try {
            return LAUNCH.matcher(Files.readString(file)).find();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
