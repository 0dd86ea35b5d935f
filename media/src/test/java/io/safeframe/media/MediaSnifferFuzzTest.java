package io.safeframe.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz test of the one gate every untrusted file passes before a decoder sees it: whatever the bytes,
 * {@link MediaSniffer} names one of four kinds or refuses with a message (never another exception); the kind it
 * names is the one the magic bytes say, the same from the file as from its first bytes; and the command built for
 * it forces that demuxer, allows only the file protocol and passes the name as a {@code file:} URL.
 */
class MediaSnifferFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void sniff(byte[] input) throws IOException {
        MediaSniffer.Kind fromBytes = kindOrNull(Arrays.copyOf(input, Math.min(input.length, 16)));
        Path file = Files.createTempFile("sniff-fuzz-", ".mp4");
        try {
            Files.write(file, input);
            MediaSniffer.Kind fromFile;
            try {
                fromFile = MediaSniffer.sniff(file);
            } catch (MediaRefused e) {
                assertNotNull(e.getMessage());
                assertEquals(null, fromBytes, "refused from the file but accepted from its head");
                return;
            }
            assertEquals(fromBytes, fromFile, "the file and its first bytes disagree");
            assertTrue(matchesMagic(fromFile, input), fromFile + " for bytes starting " + Arrays.toString(Arrays.copyOf(input, 12)));
            List<String> command = FfmpegCommand.ffmpeg().input(file, fromFile).toList();
            int i = command.indexOf("-i");
            assertEquals(List.of("-f", fromFile.demuxer(), "-protocol_whitelist", "file", "-i", "file:" + file.toAbsolutePath()),
                    command.subList(i - 4, i + 2));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static MediaSniffer.Kind kindOrNull(byte[] head) {
        try {
            return MediaSniffer.sniff(head);
        } catch (MediaRefused e) {
            return null;
        }
    }

    private static boolean matchesMagic(MediaSniffer.Kind kind, byte[] b) {
        return switch (kind) {
            case PNG -> b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
            case JPEG -> b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
            case MP4 -> b.length >= 12 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p';
            case MATROSKA -> b.length >= 4 && b[0] == 0x1A && (b[1] & 0xFF) == 0x45 && (b[2] & 0xFF) == 0xDF && (b[3] & 0xFF) == 0xA3;
        };
    }
}
