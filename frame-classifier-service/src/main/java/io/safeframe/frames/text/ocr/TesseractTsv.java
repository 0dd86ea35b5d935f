package io.safeframe.frames.text.ocr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.safeframe.frames.text.Box;

/**
 * Parses tesseract's TSV output (level, page, block, paragraph, line, word, left, top, width, height, conf, text)
 * into paragraphs: a wrapped caption is one paragraph, and screening it whole keeps its meaning ("must be" on one
 * line, what must be on the next). Words under the confidence floor and words with no letter or digit are dropped
 * (tesseract reads texture as "|", "Il", "."), and a paragraph needs at least one word of three letters or more, so
 * a busy background does not become text to screen. Hostile input is just text here: malformed rows are skipped.
 */
public final class TesseractTsv {

    /** Word confidence (0–100) under which a word is treated as noise. */
    static final double MIN_CONFIDENCE = 60;

    public record Paragraph(String text, Box box, double confidence) {
    }

    private TesseractTsv() {
    }

    public static List<Paragraph> paragraphs(String tsv) {
        Map<String, List<String[]>> groups = new LinkedHashMap<>();
        for (String row : tsv.split("\n")) {
            String[] c = row.split("\t", -1);
            if (c.length < 12 || !c[0].equals("5")) {
                continue; // header, page/block/line rows, or malformed
            }
            String word = c[11].strip();
            double conf = number(c[10], -1);
            if (conf < MIN_CONFIDENCE || word.codePoints().noneMatch(Character::isLetterOrDigit)) {
                continue;
            }
            groups.computeIfAbsent(c[2] + "/" + c[3], k -> new ArrayList<>()).add(c);
        }
        List<Paragraph> out = new ArrayList<>();
        for (List<String[]> words : groups.values()) {
            StringBuilder text = new StringBuilder();
            Box box = Box.NONE;
            double confidence = 0;
            boolean hasWord = false;
            for (String[] c : words) {
                String word = c[11].strip();
                if (!text.isEmpty()) {
                    text.append(' ');
                }
                text.append(word);
                box = box.union(new Box((int) number(c[6], 0), (int) number(c[7], 0), (int) number(c[8], 0), (int) number(c[9], 0)));
                confidence += number(c[10], 0);
                hasWord |= word.codePoints().filter(Character::isLetter).count() >= 3;
            }
            if (hasWord) {
                out.add(new Paragraph(text.toString(), box, confidence / words.size()));
            }
        }
        return out;
    }

    private static double number(String s, double otherwise) {
        try {
            double v = Double.parseDouble(s.strip());
            return Double.isFinite(v) ? v : otherwise;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
