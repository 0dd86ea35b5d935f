package io.safeframe.frames.text.ocr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.safeframe.frames.media.Frame;
import io.safeframe.frames.media.MediaException;
import io.safeframe.frames.text.Box;
import io.safeframe.frames.text.TextLine;

/**
 * The text on screen over a clip, fed the sampled frames in order. A frame is read only when its
 * {@link TextSignature} says text appeared or changed (and at most {@link #MAX_READS} times a clip, which bounds the
 * cost of a clip full of flicker); what is read is merged into lines that remember when they were first and last
 * seen and where. OCR of the same caption varies a little from frame to frame, so a reading close to a line already
 * seen (edit similarity ≥ 0.8) extends that line instead of starting a new one.
 */
public final class OnScreenText {

    public static final int MAX_READS = 60;
    static final double SAME_LINE = 0.8;

    private final Tesseract tesseract;
    private final List<Line> lines = new ArrayList<>();
    private final List<Line> onScreen = new ArrayList<>();
    private TextSignature last;
    private int reads;
    private long ocrNanos;

    private static final class Line {
        String text;
        String key;
        final long start;
        long end;
        final Box box;

        Line(String text, long start, Box box) {
            this.text = text;
            this.key = key(text);
            this.start = start;
            this.end = start;
            this.box = box;
        }
    }

    public OnScreenText(Tesseract tesseract) {
        this.tesseract = tesseract;
    }

    public void accept(Frame frame) throws MediaException {
        TextSignature signature = TextSignature.of(frame);
        long at = Math.max(0, frame.timestampMs());
        if (!signature.differsFrom(last) || reads >= MAX_READS) {
            onScreen.forEach(l -> l.end = Math.max(l.end, at)); // nothing changed: what was there is still there
            return;
        }
        last = signature;
        onScreen.clear();
        if (!signature.hasText()) {
            return;
        }
        reads++;
        long started = System.nanoTime();
        List<TesseractTsv.Paragraph> read = tesseract.read(frame, signature);
        ocrNanos += System.nanoTime() - started;
        for (TesseractTsv.Paragraph p : read) {
            Line line = match(p.text());
            if (line == null) {
                line = new Line(p.text(), at, p.box());
                lines.add(line);
            } else {
                line.end = Math.max(line.end, at);
                if (p.text().length() > line.text.length()) {
                    line.text = p.text(); // the fuller reading of the same caption
                    line.key = key(p.text());
                }
            }
            onScreen.add(line);
        }
    }

    public List<TextLine> lines() {
        return lines.stream().map(l -> new TextLine(TextLine.OCR, l.text, l.start, l.end, l.box)).toList();
    }

    /** Frames handed to tesseract. */
    public int reads() {
        return reads;
    }

    public long ocrNanos() {
        return ocrNanos;
    }

    private Line match(String text) {
        String key = key(text);
        for (Line l : lines) {
            if (similarity(l.key, key) >= SAME_LINE) {
                return l;
            }
        }
        return null;
    }

    static String key(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    /** 1 − Levenshtein distance / longer length. */
    static double similarity(String a, String b) {
        if (a.equals(b)) {
            return 1;
        }
        int longer = Math.max(a.length(), b.length());
        if (longer == 0 || Math.abs(a.length() - b.length()) > longer * (1 - SAME_LINE)) {
            return 0;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return 1 - previous[b.length()] / (double) longer;
    }
}
