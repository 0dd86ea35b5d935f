package io.safeframe.likeness.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.safeframe.api.v1.Audience;
import io.safeframe.api.v1.Decision;
import io.safeframe.likeness.check.ClipDecision;

/** Matching decisions on given descriptor vectors, at example thresholds 0.5 / 0.6 (in service they come with each DescribeFaces answer). */
class ClipMatchingTest {

    private static final Thresholds THRESHOLDS = new Thresholds(0.5, 0.6);

    private static List<FaceMatcher.Match> match(List<float[]> faces, List<Enrolled> enrolled) {
        return FaceMatcher.matches(faces, enrolled, THRESHOLDS);
    }

    private static float[] unit(long seed) {
        Random r = new Random(seed);
        float[] d = new float[128];
        double norm = 0;
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
            norm += d[i] * d[i];
        }
        for (int i = 0; i < d.length; i++) {
            d[i] /= (float) Math.sqrt(norm);
        }
        return d;
    }

    /** {@code base} moved by exactly {@code distance} along a random direction. */
    private static float[] at(float[] base, double distance, long seed) {
        float[] dir = unit(seed);
        float[] out = new float[base.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (base[i] + distance * dir[i]);
        }
        return out;
    }

    private static final float[] ALICE = unit(1);
    private static final float[] FIGURE = unit(2);

    private static Enrolled alice(Audience audience, Set<String> grantees) {
        return new Enrolled("L-alice", "alice", "alice", "@alice", audience, grantees, List.of(unit(99), ALICE));
    }

    private static Enrolled figure() {
        return new Enrolled("L-figure", null, null, "a protected public figure", Audience.AUDIENCE_UNSPECIFIED, Set.of(), List.of(FIGURE));
    }

    @Test
    void distanceIsEuclidean() {
        assertEquals(0.3, FaceMatcher.distance(ALICE, at(ALICE, 0.3, 7)), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> FaceMatcher.distance(new float[2], new float[3]));
    }

    @Test
    void confidentMatchWithoutConsentBlocksAndNamesTheHandle() {
        var out = ClipDecision.decide("bob", match(List.of(at(ALICE, 0.35, 3)), List.of(alice(Audience.ONLY_ME, Set.of()))));
        assertEquals(Decision.BLOCK, out.decision());
        assertEquals("The video shows @alice, who has not allowed you to use their likeness.", out.reason());
        assertTrue(out.permitted().isEmpty());
    }

    @Test
    void uncertainMatchWithoutConsentIsHeldForReview() {
        var out = ClipDecision.decide("bob", match(List.of(at(ALICE, 0.55, 3)), List.of(alice(Audience.ONLY_ME, Set.of()))));
        assertEquals(Decision.REVIEW, out.decision());
        assertFalse(out.reason().contains("alice"), "an uncertain match does not name anyone");
    }

    @Test
    void farFacesDoNotMatch() {
        var out = ClipDecision.decide("bob", match(List.of(at(ALICE, 0.61, 3), unit(50)), List.of(alice(Audience.ONLY_ME, Set.of()))));
        assertEquals(Decision.ALLOW, out.decision());
        assertTrue(out.permitted().isEmpty());
    }

    @Test
    void grantedOrEveryoneOrOwnerIsAllowedWithTheMatchAsAUse() {
        for (var l : List.of(alice(Audience.LISTED_ACCOUNTS, Set.of("bob")), alice(Audience.EVERYONE, Set.of()))) {
            var out = ClipDecision.decide("bob", match(List.of(at(ALICE, 0.2, 3)), List.of(l)));
            assertEquals(Decision.ALLOW, out.decision());
            assertEquals("L-alice", out.permitted().get(0).likeness().likenessId());
        }
        var own = ClipDecision.decide("alice", match(List.of(at(ALICE, 0.2, 3)), List.of(alice(Audience.ONLY_ME, Set.of()))));
        assertEquals(Decision.ALLOW, own.decision());
        assertEquals(1, own.permitted().size());
    }

    @Test
    void listedAudienceRefusesAccountsNotOnTheList() {
        var out = ClipDecision.decide("carol", match(List.of(at(ALICE, 0.2, 3)), List.of(alice(Audience.LISTED_ACCOUNTS, Set.of("bob")))));
        assertEquals(Decision.BLOCK, out.decision());
    }

    @Test
    void protectedFigureIsBlockedForEveryoneWithoutNamingThem() {
        var out = ClipDecision.decide("bob", match(List.of(unit(60), at(FIGURE, 0.3, 3)),
                List.of(alice(Audience.EVERYONE, Set.of()), figure())));
        assertEquals(Decision.BLOCK, out.decision());
        assertEquals("The video shows a protected public figure, who has not allowed you to use their likeness.", out.reason());
    }

    @Test
    void aBlockOutranksAReviewAndPermittedMatchesAreStillReported() {
        var faces = List.of(at(ALICE, 0.1, 3), at(FIGURE, 0.55, 4));
        var out = ClipDecision.decide("bob", match(faces, List.of(alice(Audience.EVERYONE, Set.of()), figure())));
        assertEquals(Decision.REVIEW, out.decision());
        assertEquals(1, out.permitted().size());
        var blocked = ClipDecision.decide("carol", match(List.of(at(ALICE, 0.1, 3), at(FIGURE, 0.3, 4)),
                List.of(alice(Audience.LISTED_ACCOUNTS, Set.of("bob")), figure())));
        assertEquals(Decision.BLOCK, blocked.decision());
        assertEquals(2, blocked.refused().size());
    }

    @Test
    void theClosestReferencePhotoCounts() {
        var matches = match(List.of(at(ALICE, 0.4, 3)), List.of(alice(Audience.ONLY_ME, Set.of())));
        assertEquals(1, matches.size());
        assertEquals(0.4, matches.get(0).distance(), 1e-5);
        assertEquals(FaceMatcher.Strength.CONFIDENT, matches.get(0).strength());
    }

    @Test
    void thresholdsMustBeOrdered() {
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(0.6, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new Thresholds(0, 0.5));
    }
}
