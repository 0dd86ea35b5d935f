package io.safeframe.frames.text.ocr;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.safeframe.frames.media.Frame;
import io.safeframe.frames.media.MediaException;
import io.safeframe.media.MediaRefused;
import io.safeframe.media.ProcessLimits;
import io.safeframe.media.SafeTool;

/**
 * OCR of one decoded frame with the Debian tesseract binary (English model), started through the shared hardened
 * runner: empty environment, prlimit, a wall-clock limit. Its input is a grey PGM we write from pixels ffmpeg
 * already decoded, so tesseract never parses an uploaded container itself.
 */
public final class Tesseract {

    /** One frame's OCR: 1 GiB address space, 20 CPU seconds, 20 s wall clock (≈0.3 s is usual for 640×360). */
    static final ProcessLimits LIMITS = new ProcessLimits(1L << 30, 20, 1L << 20, Duration.ofSeconds(20));

    private final SafeTool runner = new SafeTool(LIMITS);

    public List<TesseractTsv.Paragraph> read(Frame frame) throws MediaException {
        Path pgm = null;
        try {
            pgm = Files.createTempFile("safeframe-ocr-", ".pgm");
            writePgm(frame, pgm);
            // --psm 11, sparse text: scene text over a busy picture. The default page segmentation (3) looks for a
            // document layout and returned nothing for a boxed caption over noise or moving shapes. Lines of one
            // caption may come back as separate paragraphs; the screener also screens the whole text read.
            SafeTool.Result r = runner.run(List.of("tesseract", pgm.toString(), "stdout", "-l", "eng", "--psm", "11", "tsv"), null, 1 << 20);
            if (r.exit() != 0) {
                throw new MediaException("tesseract failed on the frame at " + frame.timestampMs() + " ms (exit " + r.exit() + ")");
            }
            return TesseractTsv.paragraphs(r.text());
        } catch (MediaRefused e) {
            throw new MediaException("OCR unavailable: " + e.getMessage());
        } catch (IOException e) {
            throw new MediaException("cannot stage a frame for OCR: " + e.getMessage());
        } finally {
            if (pgm != null) {
                try {
                    Files.deleteIfExists(pgm);
                } catch (IOException e) {
                    // a temp file left behind is not worth failing the request
                }
            }
        }
    }

    /** Binary PGM (P5) of the frame's luma; ITU-R BT.601 weights, as ffmpeg's gray conversion. */
    static void writePgm(Frame f, Path file) throws IOException {
        byte[] grey = Luma.of(f);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(("P5\n" + f.width() + " " + f.height() + "\n255\n").getBytes(StandardCharsets.US_ASCII));
            out.write(grey);
        }
    }
}
