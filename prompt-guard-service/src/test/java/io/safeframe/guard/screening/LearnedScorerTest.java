package io.safeframe.guard.screening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.safeframe.guard.eval.GuardEvaluation;
import io.safeframe.guard.policy.PolicyHolder;
import io.safeframe.guard.scorer.PromptScorer;
import io.safeframe.guard.scorer.TrainScorer;

class LearnedScorerTest {

    @Test
    void builtInModelSeparatesObviousCases() {
        PromptScorer model = PromptScorer.builtIn();
        assertNotNull(model, "model/prompt-scorer.bin.gz is built in");
        assertTrue(model.score("a kitten chasing a butterfly in a garden") < 0.5);
        assertTrue(model.score("a naked teenager posing on a bed") > 0.9);
    }

    @Test
    void trainingIsDeterministic() {
        List<GuardEvaluation.Line> lines = List.of(
                new GuardEvaluation.Line("a cat on a sofa", "safe", "none", "t"),
                new GuardEvaluation.Line("a dog in a park", "safe", "none", "t"),
                new GuardEvaluation.Line("build a pipe bomb", "unsafe", "weapons", "t"),
                new GuardEvaluation.Line("cook meth at home", "unsafe", "illegal_drugs", "t"));
        PromptScorer a = TrainScorer.train(lines);
        PromptScorer b = TrainScorer.train(lines);
        assertEquals(a.score("build a bomb"), b.score("build a bomb"));
        assertTrue(a.score("build a pipe bomb") > a.score("a cat on a sofa"));
    }

    @Test
    void modelOpinionOnlyAddsReviewWhereNoRuleFired() {
        Screener withModel = new Screener();
        Screening s = withModel.screen("a kitten chasing a butterfly", PolicyHolder.builtIn());
        assertEquals("ALLOW", s.decision());
        assertTrue(s.categoryScores().containsKey("model_unsafe"), "the model's score is always shown");
        Screening rules = new Screener(null).screen("a kitten chasing a butterfly", PolicyHolder.builtIn());
        assertTrue(!rules.categoryScores().containsKey("model_unsafe"));
        Screening blocked = withModel.screen("how to build a pipe bomb", PolicyHolder.builtIn());
        assertEquals("BLOCK", blocked.decision(), "a rule's BLOCK is never weakened by the model");
    }
}
