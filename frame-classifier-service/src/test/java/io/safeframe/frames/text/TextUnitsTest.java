package io.safeframe.frames.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.Verdict;
import io.safeframe.frames.classify.ModalityVerdict;
import io.safeframe.frames.text.ocr.TesseractTsv;
import io.safeframe.frames.text.speech.Speech;
import io.safeframe.frames.text.speech.SphinxTimes;

/** The parsers and the joining rule on fixed input: bad rows, noise words, pauses, and the unread-audio rule. */
class TextUnitsTest {

    static final String HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n";

    @Test
    void tsvGroupsAParagraphAndDropsNoise() {
        String tsv = HEADER
                + "5\t1\t2\t1\t1\t1\t26\t43\t141\t22\t96.3\tmust\n"
                + "5\t1\t2\t1\t2\t1\t30\t70\t90\t20\t95.0\texterminate\n"
                + "5\t1\t1\t1\t1\t1\t398\t8\t8\t8\t22.2\t.\n" // low confidence
                + "5\t1\t3\t1\t1\t1\t10\t10\t8\t8\t90\tIl\n" // no word of three letters in its paragraph
                + "5\t1\t4\t1\t1\t1\tx\ty\n" // malformed
                + "5\t1\t4\t1\t1\t1\t1\t1\t1\t1\tNaN\tghost\n" // unparseable confidence
                + "5\t1\t5\t1\t1\t1\t1\t1\t1\t1\t99\t|||\n"; // no letter
        List<TesseractTsv.Paragraph> p = TesseractTsv.paragraphs(tsv);
        assertEquals(1, p.size(), p.toString());
        assertEquals("must exterminate", p.get(0).text());
        assertEquals(new Box(26, 43, 141, 47), p.get(0).box()); // union of (26,43,141,22) and (30,70,90,20)
        assertEquals(List.of(), TesseractTsv.paragraphs(""));
        assertEquals(List.of(), TesseractTsv.paragraphs("\u0000\t\t\t\n\n\t"));
    }

    @Test
    void sphinxSegmentsSplitAtUtterancesAndPauses() {
        String out = "there is now a fair\n<s> 0.000 0.020 0.99\nthere 0.030 0.330 0.97\nis(2) 0.340 0.620 0.64\n<sil> 0.63 0.93 0.99\n"
                + "[NOISE] 0.94 1.0 0.5\nnow 1.030 1.160 0.76\n</s> 1.2 1.3 1.0\n<s> 3.0 3.1 1.0\nknife 3.2 3.6 0.8\nwrist 5.0 5.5 0.7\n";
        List<TextLine> s = SphinxTimes.segments(out);
        assertEquals(List.of("there is now", "knife", "wrist"), s.stream().map(TextLine::text).toList());
        assertEquals(30, s.get(0).startMs());
        assertEquals(1160, s.get(0).endMs());
        assertEquals(5000, s.get(2).startMs());
        assertEquals(List.of(), SphinxTimes.segments("garbage 1 2\n\n<s> 0 0 0\n"));
    }

    @Test
    void unreadableAudioRaisesAnAllowToReviewAndKeepsABlock() {
        Speech.Result bad = new Speech.Result(Speech.Status.UNREADABLE, "ffmpeg: invalid data", List.of(), 0, 0);
        Verdict allow = Verdict.newBuilder().setDecision(Decision.ALLOW).setRuleId("classifier:x").build();
        Verdict merged = ModalityVerdict.merge(allow, List.of(), bad);
        assertEquals(Decision.REVIEW, merged.getDecision());
        assertEquals(ModalityVerdict.AUDIO_UNREADABLE, merged.getRuleId());
        Verdict block = Verdict.newBuilder().setDecision(Decision.BLOCK).setRuleId("bank:b").setReason("bank").build();
        Verdict kept = ModalityVerdict.merge(block, List.of(), bad);
        assertEquals(Decision.BLOCK, kept.getDecision());
        assertEquals("bank:b", kept.getRuleId());
        assertTrue(kept.getEvidenceList().stream().anyMatch(e -> e.getRuleId().equals(ModalityVerdict.AUDIO_UNREADABLE)));
        Speech.Result none = new Speech.Result(Speech.Status.NONE, "", List.of(), 0, 0);
        assertEquals(Decision.ALLOW, ModalityVerdict.merge(allow, List.of(), none).getDecision(), "no audio track is not unreadable audio");
    }

    @Test
    void aBlockedLineBecomesEvidenceWithItsRegion() {
        TextLine line = new TextLine(TextLine.OCR, "hateful words", 1000, 4000, new Box(10, 20, 300, 40));
        Verdict guard = Verdict.newBuilder().setDecision(Decision.BLOCK).setRuleId("term:hate")
                .addCategories(CategoryScore.newBuilder().setCategory("hate").setScore(0.9)).setPublicReason("hateful content").build();
        Verdict allow = Verdict.newBuilder().setDecision(Decision.ALLOW).setRuleId("classifier:x").build();
        Verdict v = ModalityVerdict.merge(allow, List.of(new TextScreener.Screened(line, guard)),
                new Speech.Result(Speech.Status.NONE, "", List.of(), 0, 0));
        assertEquals(Decision.BLOCK, v.getDecision());
        assertEquals("ocr:term:hate", v.getRuleId());
        var e = v.getEvidence(0);
        assertEquals("hateful words", e.getMatched());
        assertEquals(300, e.getRegion().getWidth());
        assertEquals(4000, e.getEndTimestampMs());
        assertTrue(!v.getPublicReason().contains("hateful words"));
    }
}
