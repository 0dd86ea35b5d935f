package io.safeframe.guard.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.safeframe.api.v1.BacktestReport;
import io.safeframe.guard.encoder.GuardHeads;
import io.safeframe.guard.encoder.GuardModel;
import io.safeframe.guard.eval.GuardEvaluation;
import io.safeframe.guard.policy.CompiledPolicy;
import io.safeframe.guard.policy.PolicyHolder;
import io.safeframe.guard.screening.Screener;

/**
 * Active learning end to end on the real encoder: labels join the train lines, the heads are retrained, the candidate
 * carries them inside a new policy version, and its backtest against the live policy runs on the frozen test split.
 * The corpus train split is thinned to every 8th line so the test takes seconds, not the full retraining's minutes;
 * the figures this produces show the plumbing works, not the quality of a full retrain (docs/safety-data.md).
 */
class ActiveLearningTest {

    static final Path CORPUS = Path.of("src/test/resources/guard-corpus");
    static final Path LABELS = Path.of("src/test/resources/learning/example-labels.jsonl");

    @Test
    void labelsRetrainACandidatePolicyWhoseBacktestOnTheFrozenSplitShowsTheChange() throws IOException {
        List<GuardEvaluation.Line> test = GuardEvaluation.read(CORPUS.resolve("test.jsonl"));
        List<GuardEvaluation.Line> labels = LabelFile.read(LABELS, test);
        assertEquals(24, labels.size());
        List<GuardEvaluation.Line> train = GuardEvaluation.read(CORPUS.resolve("train.jsonl"));
        List<GuardEvaluation.Line> thinned = new ArrayList<>();
        for (int i = 0; i < train.size(); i += 8) {
            thinned.add(train.get(i));
        }
        GuardModel model = GuardModel.shared();
        byte[] base = PolicyHolder.class.getClassLoader().getResourceAsStream(PolicyHolder.BUILT_IN).readAllBytes();
        CompiledPolicy live = PolicyHolder.builtIn();

        CandidatePolicy.Result r = CandidatePolicy.build(model.encoder(), base, labels, 10, thinned,
                GuardEvaluation.read(CORPUS.resolve("dev.jsonl")), test);

        // a new version of the same rules, carrying its own heads, loadable exactly as the guard loads a version
        assertTrue(r.candidate().version().matches(java.util.regex.Pattern.quote(live.version()) + "\\+heads-[0-9a-f]{8}"),
                r.candidate().version());
        assertNotNull(r.candidate().heads);
        assertSame(r.candidate().heads, r.candidate().teen().heads, "the teen profile decides with the same heads");
        assertEquals(24, r.document().path("heads").path("provenance").path("labels").asInt());
        assertEquals(live.categoriesByCode.keySet(), r.candidate().categoriesByCode.keySet());

        // the backtest: every frozen line, both versions, and the decisions that changed
        BacktestReport b = r.backtest();
        assertEquals(live.version(), b.getLiveVersion());
        assertEquals(r.candidate().version(), b.getCandidateVersion());
        assertEquals(test.size(), b.getUnsafe() + b.getSafe());
        assertEquals(test.stream().filter(GuardEvaluation.Line::unsafe).count(), b.getUnsafe());
        assertTrue(b.getChanged() > 0, "new heads changed no decision");
        assertEquals(Math.min(100, b.getChanged()), b.getChangesCount());
        assertEquals(b.getChanged(), CandidatePolicy.report(b).path("changed").asInt());

        // the candidate learned its labels: it decides them as labelled at least as often as the live heads, and mostly
        Screener screener = Screener.withEncoder(model);
        int liveAgrees = 0;
        int candidateAgrees = 0;
        for (GuardEvaluation.Line l : labels) {
            liveAgrees += agrees(l, screener.screen(l.text(), live).decision()) ? 1 : 0;
            candidateAgrees += agrees(l, screener.screen(l.text(), r.candidate()).decision()) ? 1 : 0;
        }
        assertTrue(candidateAgrees >= liveAgrees && candidateAgrees >= 18,
                "labels decided as labelled: live " + liveAgrees + ", candidate " + candidateAgrees + " of 24");
        System.out.printf("active learning (thinned train): recall %d -> %d of %d, false positives %d -> %d of %d, %d changed;"
                + " labels agreed %d -> %d of 24%n", b.getLiveCaught(), b.getCandidateCaught(), b.getUnsafe(), b.getLiveFalsePositives(),
                b.getCandidateFalsePositives(), b.getSafe(), b.getChanged(), liveAgrees, candidateAgrees);
    }

    /**
     * Uncertainty sampling is worth a moderator's time only if the prompts it picks are the ones the guard gets wrong:
     * on the dev split (the band was chosen there), the uncertain share is wrong more often than the rest.
     */
    @Test
    void theUncertainPromptsAreTheOnesTheGuardGetsWrongMoreOften() throws IOException {
        double configured = Double.parseDouble(new String(ActiveLearningTest.class.getClassLoader()
                .getResourceAsStream("application.properties").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .lines().filter(l -> l.startsWith("safeframe.guard.labelling.band=")).findFirst().orElseThrow().split("=")[1].trim());
        Screener screener = Screener.withEncoder(GuardModel.shared());
        CompiledPolicy live = PolicyHolder.builtIn();
        List<double[]> marginAndWrong = new ArrayList<>();
        for (GuardEvaluation.Line l : GuardEvaluation.read(CORPUS.resolve("dev.jsonl"))) {
            var s = screener.screen(l.text(), live);
            marginAndWrong.add(new double[] { Double.isNaN(s.reviewMargin()) ? Double.MAX_VALUE : s.reviewMargin(),
                    agrees(l, s.decision()) ? 0 : 1 });
        }
        assertTrue(List.of(0.05, 0.1, 0.2, 0.3, 0.5).contains(configured), "the configured band is one of those measured");
        for (double band : new double[] { 0.05, 0.1, 0.2, 0.3, 0.5 }) {
            int uncertain = 0;
            int uncertainWrong = 0;
            int sureWrong = 0;
            for (double[] m : marginAndWrong) {
                if (m[0] < band) {
                    uncertain++;
                    uncertainWrong += (int) m[1];
                } else {
                    sureWrong += (int) m[1];
                }
            }
            int sure = marginAndWrong.size() - uncertain;
            double uncertainError = (double) uncertainWrong / Math.max(1, uncertain);
            double sureError = (double) sureWrong / Math.max(1, sure);
            System.out.printf("dev split, band %.2f: %d of %d uncertain, wrong %.3f of them vs %.3f of the rest%n", band, uncertain,
                    marginAndWrong.size(), uncertainError, sureError);
            if (Math.abs(band - configured) < 1e-9) {
                assertTrue(uncertain > 0 && uncertain < marginAndWrong.size() / 4, "uncertain: " + uncertain);
                assertTrue(uncertainError > 1.5 * sureError, "uncertain wrong " + uncertainError + ", the rest " + sureError);
            }
        }
    }

    private static boolean agrees(GuardEvaluation.Line l, String decision) {
        return l.unsafe() == !decision.equals("ALLOW");
    }

    @Test
    void aPolicyCarryingTheReleaseHeadsLoadsAndTheRestOfThePolicyIsUnchanged() throws IOException {
        CompiledPolicy p = PolicyHolder.parse(HeadsFixtures.policyWithHeads(h -> { }), new io.safeframe.guard.normalise.Normaliser());
        assertNotNull(p.heads);
        assertEquals(GuardHeads.builtIn().heads().size(), p.heads.heads().size());
        assertEquals(PolicyHolder.builtIn().categoriesByCode.keySet(), p.categoriesByCode.keySet());
        assertEquals(null, PolicyHolder.builtIn().heads, "the built-in policy carries no heads: the release's decide");
    }
}
