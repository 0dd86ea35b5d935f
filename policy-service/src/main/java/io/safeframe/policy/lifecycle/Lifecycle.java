package io.safeframe.policy.lifecycle;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one place that says which moves a policy version may make (docs/policy-lifecycle.md). Everything else asks
 * here before it changes a state.
 */
public final class Lifecycle {

    /** How a move is asked for: approval and rollback have rules of their own (who may, and what else moves). */
    public enum Move {
        /** draft → approved, by a policy reviewer who is not the author. */
        APPROVE,
        /** an operator's step forward (shadow, canary, live) or out (retired). */
        OPERATE,
        /** emergency: the live version retires and the one live before it returns. */
        ROLLBACK
    }

    public static final class IllegalMove extends RuntimeException {
        public IllegalMove(String message) {
            super(message);
        }
    }

    private static final Map<Stage, Set<Stage>> OPERATE = new EnumMap<>(Stage.class);

    static {
        // a draft only leaves by approval, or is withdrawn
        OPERATE.put(Stage.DRAFT, EnumSet.of(Stage.RETIRED));
        OPERATE.put(Stage.APPROVED, EnumSet.of(Stage.SHADOW, Stage.CANARY, Stage.LIVE, Stage.RETIRED));
        OPERATE.put(Stage.SHADOW, EnumSet.of(Stage.CANARY, Stage.LIVE, Stage.RETIRED));
        OPERATE.put(Stage.CANARY, EnumSet.of(Stage.LIVE, Stage.RETIRED));
        // the live version leaves only when another one goes live (promotion) or by rollback: never "no live version",
        // which would make every service fail closed
        OPERATE.put(Stage.LIVE, EnumSet.noneOf(Stage.class));
        // retired is final, except as the target of a rollback
        OPERATE.put(Stage.RETIRED, EnumSet.noneOf(Stage.class));
    }

    private Lifecycle() {
    }

    /** Throws {@link IllegalMove} unless {@code move} may take a version from {@code from} to {@code to}. */
    public static void check(Stage from, Stage to, Move move) {
        boolean allowed = switch (move) {
            case APPROVE -> from == Stage.DRAFT && to == Stage.APPROVED;
            case OPERATE -> OPERATE.get(from).contains(to);
            case ROLLBACK -> (from == Stage.LIVE && to == Stage.RETIRED) || (from == Stage.RETIRED && to == Stage.LIVE);
        };
        if (!allowed) {
            throw new IllegalMove("a " + from.name().toLowerCase() + " version cannot become " + to.name().toLowerCase()
                    + (move == Move.OPERATE && from == Stage.DRAFT && to == Stage.APPROVED ? " except by a reviewer's approval"
                            : move == Move.OPERATE && from == Stage.LIVE ? " directly: promote another version or roll back"
                                    : ""));
        }
    }

    /** Whether an operator may ever move a version in this stage (for listing what can be done next). */
    public static Set<Stage> nextByOperator(Stage from) {
        return Set.copyOf(OPERATE.get(from));
    }
}
