package io.safeframe.gateway.me;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.safeframe.api.v1.DecisionList;
import io.safeframe.api.v1.Standing;

/** An account's standing and its decision history as JSON: for the account itself and for moderators. */
public final class StandingView {

    private StandingView() {
    }

    public static Map<String, Object> of(Standing s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("account", s.getAccountId());
        out.put("standing", s.getState().name());
        out.put("reason", s.getReason());
        out.put("tier", s.getTier());
        out.put("generationsPerDay", s.getGenerationsPerDay());
        out.put("remainingToday", s.getRemainingToday());
        out.put("strikes", s.getStrikes());
        if (s.hasSuspendedUntil()) {
            out.put("suspendedUntil", Instant.ofEpochSecond(s.getSuspendedUntil().getSeconds()).toString());
        }
        return out;
    }

    public static List<Map<String, Object>> decisions(DecisionList list) {
        return list.getDecisionsList().stream().map(d -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("at", d.getOccurredAt());
            item.put("action", d.getAction());
            item.put("target", d.getTarget());
            item.put("decision", d.getDecision().name());
            item.put("reason", d.getReason());
            item.put("correlationId", d.getCorrelationId());
            return item;
        }).toList();
    }
}
