package io.safeframe.frames.text.speech;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.safeframe.frames.text.Box;
import io.safeframe.frames.text.TextLine;

/**
 * Parses pocketsphinx_continuous {@code -time yes} output — per utterance a hypothesis line, then one
 * "word start end posterior" line per word — into spoken segments. A segment ends at an utterance end or a pause
 * longer than {@link #PAUSE_SECONDS}: sentences stay whole for screening, and evidence points to where they were said.
 * Silence and noise tokens are dropped, alternative-pronunciation marks ("the(2)") removed.
 */
public final class SphinxTimes {

    static final double PAUSE_SECONDS = 1.0;
    private static final Pattern WORD = Pattern.compile("^(\\S+) (\\d+(?:\\.\\d+)?) (\\d+(?:\\.\\d+)?) (-?\\d+(?:\\.\\d+)?)$");

    private SphinxTimes() {
    }

    public static List<TextLine> segments(String output) {
        List<TextLine> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        double start = 0;
        double end = 0;
        for (String row : output.split("\n")) {
            Matcher m = WORD.matcher(row.strip());
            if (!m.matches()) {
                continue; // a hypothesis line or something else
            }
            String word = m.group(1);
            double from = Double.parseDouble(m.group(2));
            double to = Double.parseDouble(m.group(3));
            boolean boundary = word.equals("<s>") || word.equals("</s>");
            if (boundary || !text.isEmpty() && from - end > PAUSE_SECONDS) {
                flush(out, text, start, end);
            }
            if (boundary || word.startsWith("<") || word.startsWith("[") || word.startsWith("++")) {
                continue;
            }
            if (text.isEmpty()) {
                start = from;
            } else {
                text.append(' ');
            }
            text.append(word.replaceFirst("\\(\\d+\\)$", ""));
            end = to;
        }
        flush(out, text, start, end);
        return out;
    }

    private static void flush(List<TextLine> out, StringBuilder text, double start, double end) {
        if (!text.isEmpty()) {
            out.add(new TextLine(TextLine.SPEECH, text.toString(), Math.round(start * 1000), Math.round(end * 1000), Box.NONE));
            text.setLength(0);
        }
    }
}
