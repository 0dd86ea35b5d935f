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

    /** Reads the frame band by band (the signature's texty rows); boxes are in whole-frame coordinates. */
    public List<TesseractTsv.Paragraph> read(Frame frame, TextSignature signature) throws MediaException {
        List<TesseractTsv.Paragraph> out = new java.util.ArrayList<>();
        byte[] grey = Luma.of(frame);
        for (int[] band : signature.bands(frame.height())) {
            for (TesseractTsv.Paragraph p : read(frame, grey, band[0], band[1])) {
                io.safeframe.frames.text.Box b = p.box();
                out.add(new TesseractTsv.Paragraph(p.text(), new io.safeframe.frames.text.Box(b.x(), b.y() + band[0], b.width(), b.height()),
                        p.confidence()));
            }
        }
        return out;
    }

    private List<TesseractTsv.Paragraph> read(Frame frame, byte[] grey, int fromRow, int toRow) throws MediaException {
        Path pgm = null;
        try {
            pgm = Files.createTempFile("safeframe-ocr-", ".pgm");
            writePgm(grey, frame.width(), fromRow, toRow, pgm);
            // --psm 11 (sparse text) finds scene text over a busy picture; --psm 3 (page layout) reads a clean
            // caption box that 11 sometimes returns nothing for (measured on the generator's fixtures). The second
            // runs only when the first read nothing, so a frame costs two reads only when it may be missing text.
            List<TesseractTsv.Paragraph> read = run(pgm, "11", frame);
            return read.isEmpty() ? run(pgm, "3", frame) : read;
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

    private List<TesseractTsv.Paragraph> run(Path pgm, String segmentation, Frame frame) throws MediaRefused, MediaException {
        SafeTool.Result r = runner.run(List.of("tesseract", pgm.toString(), "stdout", "-l", "eng", "--psm", segmentation, "tsv"), null, 1 << 20);
        if (r.exit() != 0) {
            throw new MediaException("tesseract failed on the frame at " + frame.timestampMs() + " ms (exit " + r.exit() + ")");
        }
        return TesseractTsv.paragraphs(r.text());
    }

    /** Binary PGM (P5) of rows [fromRow, toRow) of the frame's luma. */
    static void writePgm(byte[] grey, int width, int fromRow, int toRow, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(("P5\n" + width + " " + (toRow - fromRow) + "\n255\n").getBytes(StandardCharsets.US_ASCII));
            out.write(grey, fromRow * width, (toRow - fromRow) * width);
        }
    }
}
