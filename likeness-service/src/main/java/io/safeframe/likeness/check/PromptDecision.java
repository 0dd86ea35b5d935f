package io.safeframe.likeness.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.safeframe.api.v1.Decision;
import io.safeframe.likeness.consent.ConsentRules;
import io.safeframe.likeness.handle.Handle;

/**
 * A prompt's handles against the registry. Naming any cameo the requester may not use blocks the whole prompt (the
 * reason names the first such handle, which the user typed, so it reveals nothing); a handle that is not a cameo is
 * plain text.
 */
public final class PromptDecision {

    /** What the check needs to know about a registered cameo; no descriptors. */
    public record CameoConsent(String likenessId, String owner, io.safeframe.api.v1.Audience audience, Set<String> grantees) {
    }

    public record Outcome(Decision decision, String reason, List<Handle> permitted, List<Handle> refused, List<Handle> unknown) {
    }

    private PromptDecision() {
    }

    public static Outcome decide(String requester, Set<Handle> named, Map<Handle, CameoConsent> registered) {
        return decide(requester, io.safeframe.api.v1.AgeBand.AGE_BAND_UNSPECIFIED, named, registered);
    }

    public static Outcome decide(String requester, io.safeframe.api.v1.AgeBand band, Set<Handle> named,
            Map<Handle, CameoConsent> registered) {
        List<Handle> permitted = new ArrayList<>();
        List<Handle> refused = new ArrayList<>();
        List<Handle> unknown = new ArrayList<>();
        for (Handle h : named) {
            CameoConsent c = registered.get(h);
            if (c == null) {
                unknown.add(h);
            } else if (ConsentRules.permitted(c.owner(), c.audience(), c.grantees(), requester, band)) {
                permitted.add(h);
            } else {
                refused.add(h);
            }
        }
        if (!refused.isEmpty()) {
            String why = band == io.safeframe.api.v1.AgeBand.AGE_BAND_TEEN
                    ? refused.get(0) + " is someone else's cameo; on a teen account you can use only your own."
                    : refused.get(0) + " has not allowed you to use their likeness.";
            return new Outcome(Decision.BLOCK, why, permitted, refused, unknown);
        }
        return new Outcome(Decision.ALLOW, permitted.isEmpty() ? "The prompt names no cameo."
                : "Every cameo the prompt names is used with consent.", permitted, refused, unknown);
    }
}
