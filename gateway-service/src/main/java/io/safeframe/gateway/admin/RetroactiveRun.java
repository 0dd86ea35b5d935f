package io.safeframe.gateway.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.ScreenResponse;
import io.safeframe.api.v1.WindowedScreening;

/**
 * Which published videos a retroactive run of the live prompt policy looks at, and its tally (docs/policy-lifecycle.md,
 * retroactive runs). A video is re-checked when its prompt is still in the retained window of recent screenings, was
 * ALLOWed then under another policy version, and the video is published: what a changed rule would have caught had it
 * been live. Prompts blocked or held at the time were already stopped or seen by a person.
 */
final class RetroactiveRun {

    /** A published video to re-check: its job, owner and prompt. */
    record Candidate(String jobId, String owner, String prompt) {
    }

    private RetroactiveRun() {
    }

    /** The window's ALLOWed screenings under another label, newest first, one per job. */
    static List<WindowedScreening> allowedUnderOtherVersions(List<WindowedScreening> window, String liveLabel) {
        Map<String, WindowedScreening> byJob = new LinkedHashMap<>();
        for (WindowedScreening s : window) {
            if (s.getDecision() == Decision.ALLOW && !liveLabel.equals(s.getPolicyVersion()) && isJobId(s.getTarget())) {
                byJob.putIfAbsent(s.getTarget(), s);
            }
        }
        return new ArrayList<>(byJob.values());
    }

    static List<UUID> jobIds(List<WindowedScreening> screenings) {
        return screenings.stream().map(s -> UUID.fromString(s.getTarget())).toList();
    }

    static List<Candidate> published(List<WindowedScreening> screenings, Map<String, String> publishedOwners) {
        List<Candidate> out = new ArrayList<>();
        for (WindowedScreening s : screenings) {
            String owner = publishedOwners.get(s.getTarget());
            if (owner != null) {
                out.add(new Candidate(s.getTarget(), owner, s.getText()));
            }
        }
        return out;
    }

    /** Whether every verdict names the live version (if not, prompt-guard has not loaded it yet). */
    static boolean screenedUnder(List<ScreenResponse> results, String liveLabel) {
        return results.stream().allMatch(r -> liveLabel.equals(r.getVerdict().getPolicyVersion()));
    }

    private static boolean isJobId(String target) {
        try {
            UUID.fromString(target);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
