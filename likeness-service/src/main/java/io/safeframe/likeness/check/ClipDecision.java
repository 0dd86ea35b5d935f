package io.safeframe.likeness.check;

import java.util.ArrayList;
import java.util.List;

import io.safeframe.api.v1.Decision;
import io.safeframe.likeness.consent.ConsentRules;
import io.safeframe.likeness.matching.FaceMatcher.Match;
import io.safeframe.likeness.matching.FaceMatcher.Strength;

/**
 * What the matches of a clip mean for this requester. A confident match to a likeness they may not use blocks; an
 * uncertain one holds the clip for a human; matches to likenesses they may use are allowed and recorded as uses. The
 * reason never says how close a face came (an oracle for tuning a face until it passes) and never names a protected
 * person (that list is not public).
 */
public final class ClipDecision {

    public record Outcome(Decision decision, String reason, List<Match> permitted, List<Match> refused) {
    }

    private ClipDecision() {
    }

    public static Outcome decide(String requester, List<Match> matches) {
        return decide(requester, io.safeframe.api.v1.AgeBand.AGE_BAND_UNSPECIFIED, matches);
    }

    public static Outcome decide(String requester, io.safeframe.api.v1.AgeBand band, List<Match> matches) {
        List<Match> permitted = new ArrayList<>();
        List<Match> refusedConfident = new ArrayList<>();
        List<Match> refusedUncertain = new ArrayList<>();
        for (Match m : matches) {
            var l = m.likeness();
            if (ConsentRules.permitted(l.owner(), l.audience(), l.grantees(), requester, band)) {
                permitted.add(m);
            } else if (m.strength() == Strength.CONFIDENT) {
                refusedConfident.add(m);
            } else {
                refusedUncertain.add(m);
            }
        }
        if (!refusedConfident.isEmpty()) {
            return new Outcome(Decision.BLOCK, "The video shows " + who(refusedConfident.get(0))
                    + ", who has not allowed you to use their likeness.", permitted, refusedConfident);
        }
        if (!refusedUncertain.isEmpty()) {
            return new Outcome(Decision.REVIEW, "The video may show a person who has not allowed you to use their likeness;"
                    + " a moderator will look at it.", permitted, refusedUncertain);
        }
        return new Outcome(Decision.ALLOW, permitted.isEmpty() ? "No enrolled likeness in the video."
                : "Every enrolled likeness in the video is used with consent.", permitted, List.of());
    }

    private static String who(Match m) {
        return m.likeness().handle() == null ? "a protected public figure" : "@" + m.likeness().handle();
    }
}
