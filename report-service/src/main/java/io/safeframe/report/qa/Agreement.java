package io.safeframe.report.qa;

import java.util.HashMap;
import java.util.Map;

/**
 * Agreement between the first decision and the blind second review over a set of double-reviewed cases, each a pair
 * (first action, second action). Raw agreement is the share of pairs with the same action. Cohen's kappa (J. Cohen,
 * "A coefficient of agreement for nominal scales", Educational and Psychological Measurement 20(1), 1960, 37-46)
 * corrects it for the agreement two ratings would reach by chance given how often each used each action:
 * kappa = (p_o - p_e) / (1 - p_e), p_e = sum over actions k of (first_k / n) * (second_k / n). The two "raters" are
 * the two positions (first decider, second reviewer), filled by different moderators across cases.
 */
public final class Agreement {

    private long pairs;
    private long agreed;
    private final Map<String, Long> first = new HashMap<>();
    private final Map<String, Long> second = new HashMap<>();

    /** Adds {@code count} cases whose first decision was {@code firstAction} and second review {@code secondAction}. */
    public Agreement add(String firstAction, String secondAction, long count) {
        pairs += count;
        if (firstAction.equals(secondAction)) {
            agreed += count;
        }
        first.merge(firstAction, count, Long::sum);
        second.merge(secondAction, count, Long::sum);
        return this;
    }

    public long pairs() {
        return pairs;
    }

    public long agreed() {
        return agreed;
    }

    /** p_o; 0 when nothing was double-reviewed. */
    public double observed() {
        return pairs == 0 ? 0 : (double) agreed / pairs;
    }

    /** p_e, the chance agreement from the marginal shares; 0 when nothing was double-reviewed. */
    public double expected() {
        if (pairs == 0) {
            return 0;
        }
        double sum = 0;
        for (Map.Entry<String, Long> e : first.entrySet()) {
            sum += (double) e.getValue() / pairs * second.getOrDefault(e.getKey(), 0L) / pairs;
        }
        return sum;
    }

    /** False when kappa is 0/0: no pairs, or both positions always gave one and the same action (p_e = 1). */
    public boolean kappaDefined() {
        return pairs > 0 && expected() < 1;
    }

    /** Cohen's kappa; NaN when undefined. */
    public double kappa() {
        return kappaDefined() ? (observed() - expected()) / (1 - expected()) : Double.NaN;
    }
}
