package io.safeframe.provenance.watermark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * A 10 s 720p H.264 clip with audio marked end to end through ffmpeg: same frame count and duration, audio
 * kept, mark read back with its payload — also after a re-upload at 360p, 24 fps, CRF 28 (scale, frame-rate
 * change and compression at once); the unmarked clip and another key read nothing; a truncated file is a
 * clear error.
 */
class VideoMarkingTest {

    static final Path DIR = Path.of("target/watermark-video");

    @Test
    void markedClipKeepsAudioAndTimingAndSurvivesReupload() throws Exception {
        Files.createDirectories(DIR);
        Path clip = DIR.resolve("clip.mp4");
        Images.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", "10", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", clip.toString());
        WatermarkKey key = new WatermarkKey("video-test-key-0123456789".getBytes(StandardCharsets.US_ASCII));
        MediaMarker media = new MediaMarker(new Watermarker(key));
        byte[] payload = HexFormat.of().parseHex("1f00aa5500ff7e81");
        Path marked = DIR.resolve("marked.mp4");
        long t0 = System.nanoTime();
        int frames = media.mark(clip, marked, payload);
        System.out.printf("watermark: 10 s 720p30 clip with audio marked end to end in %.0f ms (%d frames)%n", (System.nanoTime() - t0) / 1e6, frames);
        assertEquals(300, frames);
        String streams = probe(marked);
        assertTrue(streams.contains("video,300"), streams);
        assertTrue(streams.contains("audio"), "audio kept: " + streams);

        MediaMarker.Read read = media.detect(marked, key);
        assertTrue(read.detection().detected());
        assertEquals("1f00aa5500ff7e81", read.detection().payloadHex());
        assertTrue(read.framesUsed().size() >= 30);

        Path reupload = DIR.resolve("reupload.mp4");
        Images.ffmpeg("-i", marked.toString(), "-vf", "scale=640:360,fps=24", "-c:v", "libx264", "-crf", "28", "-preset", "veryfast", reupload.toString());
        MediaMarker.Read again = media.detect(reupload, key);
        assertTrue(again.detection().detected());
        assertEquals("1f00aa5500ff7e81", again.detection().payloadHex());

        assertFalse(media.detect(clip, key).detection().detected(), "unmarked clip");
        WatermarkKey other = new WatermarkKey("another-key-entirely-000".getBytes(StandardCharsets.US_ASCII));
        assertFalse(new MediaMarker(new Watermarker(other)).detect(marked, other).detection().detected(), "a different key reads nothing");

        byte[] bytes = Files.readAllBytes(clip);
        Path truncated = DIR.resolve("truncated.mp4");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 3));
        MediaMarker.MediaError e = assertThrows(MediaMarker.MediaError.class, () -> media.mark(truncated, DIR.resolve("x.mp4"), payload));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    static String probe(Path file) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,nb_frames", "-of", "csv=p=0", file.toString()).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
