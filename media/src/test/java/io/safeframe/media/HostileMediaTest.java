package io.safeframe.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hardened runner against hostile input, with the real Debian ffmpeg: formats come only from magic bytes,
 * names are never read as protocols, the child gets no secret from the environment, and it runs under limits.
 */
class HostileMediaTest {

    private static final Path DIR = Path.of("target", "hostile-media").toAbsolutePath();
    private static final SafeFfmpeg FFMPEG = new SafeFfmpeg(ProcessLimits.DECODE);
    private static Path mp4;

    @BeforeAll
    static void media() throws Exception {
        Files.createDirectories(DIR);
        mp4 = DIR.resolve("clip.mp4");
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10", "-t", "2",
                "-c:v", "libx264", "-pix_fmt", "yuv420p", mp4.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
    }

    private static SafeFfmpeg.Result probe(Path file) throws MediaRefused {
        return FFMPEG.run(FfmpegCommand.ffprobe().args("-v", "error", "-show_entries", "format=format_name", "-of", "default=nw=1:nk=1").input(file), null,
                1 << 16);
    }

    @Test
    void sniffsTheKindFromMagicBytesNotTheName() throws Exception {
        Path renamed = DIR.resolve("really-an-mp4.png");
        Files.copy(mp4, renamed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(MediaSniffer.Kind.MP4, MediaSniffer.sniff(renamed));
        assertEquals(MediaSniffer.Kind.PNG, MediaSniffer.sniff(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' }));
        assertEquals(MediaSniffer.Kind.JPEG, MediaSniffer.sniff(new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0 }));
    }

    @Test
    void wrongMagicBytesAreRefusedBeforeFfmpegRuns() throws Exception {
        // an HLS playlist named .mp4: ffmpeg's own probing would follow its URL; here it never reaches ffmpeg
        Path playlist = DIR.resolve("playlist.mp4");
        Files.writeString(playlist, "#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1:9/segment.ts\n");
        MediaRefused refused = assertThrows(MediaRefused.class, () -> probe(playlist));
        assertTrue(refused.getMessage().contains("unknown magic bytes"), refused.getMessage());
        Path text = DIR.resolve("notes.jpg");
        Files.writeString(text, "ffconcat version 1.0\nfile /etc/passwd\n");
        assertThrows(MediaRefused.class, () -> probe(text));
        Path empty = DIR.resolve("empty.mp4");
        Files.write(empty, new byte[0]);
        assertThrows(MediaRefused.class, () -> probe(empty));
    }

    @Test
    void aTruncatedFileFailsCleanlyInsideTheLimits() throws Exception {
        byte[] whole = Files.readAllBytes(mp4);
        Path truncated = DIR.resolve("truncated.mp4");
        // the magic bytes are right, the index is cut away: sniffing admits it, the demuxer must fail, not hang
        Files.write(truncated, Arrays.copyOf(whole, whole.length / 3));
        long started = System.nanoTime();
        SafeFfmpeg.Result r = FFMPEG.run(FfmpegCommand.ffmpeg().args("-v", "error").input(truncated).args("-f", "rawvideo", "-pix_fmt", "gray")
                .toStdout(), null, 1 << 20);
        assertNotEquals(0, r.exit(), "a truncated MP4 must not decode successfully");
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 30);
        assertFalse(r.lastLine().contains(DIR.toString()), "temp paths are hidden from messages: " + r.lastLine());
    }

    @Test
    void protocolLikeNamesAreRefusedOrReadAsPlainFiles() throws Exception {
        for (String hostile : List.of("concat:/etc/hostname|/etc/hostname", "http://127.0.0.1:9/clip.mp4", "subfile,,start,0,end,10,,:/etc/passwd")) {
            assertThrows(MediaRefused.class, () -> probe(Path.of(hostile)), hostile);
        }
        // a real file whose name looks like a protocol is opened as that file (file: URL), nothing else
        Path odd = DIR.resolve("concat:a.mp4|b.mp4");
        Files.copy(mp4, odd, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        SafeFfmpeg.Result r = probe(odd);
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(new String(r.stdout(), StandardCharsets.UTF_8).startsWith("mov,mp4"));
        // symbolic links are refused: the decoder must read the file that was sniffed
        Path link = DIR.resolve("link.mp4");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, mp4);
        assertThrows(MediaRefused.class, () -> probe(link));
    }

    @Test
    void theChildSeesAnEmptyEnvironment() throws Exception {
        // the stand-in secrets are set for this JVM by the pom; without them this test would prove nothing
        assertTrue(System.getenv("SAFEFRAME_C2PA_KEY_PEM") != null && System.getenv("QUARKUS_DATASOURCE_PASSWORD") != null);
        Process env = SafeProcess.start(List.of("env"), ProcessLimits.DECODE, false);
        String seen = new String(env.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, env.waitFor());
        assertFalse(seen.contains("SECRET") || seen.contains("secret"), seen);
        assertEquals(List.of("LC_ALL=C", "OMP_THREAD_LIMIT=1", "PATH=/usr/bin:/bin"), seen.lines().sorted().toList());
    }

    @Test
    void theChildRunsUnderMemoryAndCpuLimits() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(SafeProcess.PRLIMIT), "util-linux prlimit is not installed");
        Process sh = SafeProcess.start(List.of("sh", "-c", "ulimit -v; ulimit -t; ulimit -c"), ProcessLimits.DECODE, false);
        List<String> seen = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of(Long.toString(ProcessLimits.DECODE.memoryBytes() / 1024), Long.toString(ProcessLimits.DECODE.cpuSeconds()), "0"), seen);
        // and ffmpeg itself cannot allocate past the address-space limit: 64 MiB is too little to even load its libraries
        SafeFfmpeg tight = new SafeFfmpeg(new ProcessLimits(64L << 20, 10, 1 << 20, Duration.ofSeconds(30)));
        SafeFfmpeg.Result r = tight.run(FfmpegCommand.ffmpeg().args("-v", "error").input(mp4).args("-f", "null").args("-"), null, 1024);
        assertNotEquals(0, r.exit());
    }

    @Test
    void aChildOverItsTimeIsKilled() throws Exception {
        SafeFfmpeg quick = new SafeFfmpeg(ProcessLimits.DECODE.withTimeout(Duration.ofSeconds(1)));
        Process sleeper = SafeProcess.start(List.of("sleep", "30"), quick.limits(), false);
        long started = System.nanoTime();
        assertThrows(MediaRefused.class, () -> quick.finish(sleeper));
        assertTrue(sleeper.waitFor(5, java.util.concurrent.TimeUnit.SECONDS), "the child is gone");
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 5);
    }
}
