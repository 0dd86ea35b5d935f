package io.safeframe.guard.canary;

import java.util.concurrent.atomic.AtomicLong;

/** Screenings and flagged screenings (REVIEW or BLOCK) per arm, for one canary version, on this instance. */
final class ArmStats {

    private final int version;
    private final AtomicLong liveScreened = new AtomicLong();
    private final AtomicLong liveFlagged = new AtomicLong();
    private final AtomicLong canaryScreened = new AtomicLong();
    private final AtomicLong canaryFlagged = new AtomicLong();

    ArmStats(int version) {
        this.version = version;
    }

    int version() {
        return version;
    }

    void add(CanaryArms.Arm arm, boolean flagged) {
        (arm == CanaryArms.Arm.CANARY ? canaryScreened : liveScreened).incrementAndGet();
        if (flagged) {
            (arm == CanaryArms.Arm.CANARY ? canaryFlagged : liveFlagged).incrementAndGet();
        }
    }

    /** Both arms' flag rates and the two-proportion z of canary minus live; null until both have minSamples. */
    Finding compare(long minSamples) {
        long nl = liveScreened.get();
        long nc = canaryScreened.get();
        if (nl < minSamples || nc < minSamples) {
            return null;
        }
        long fl = liveFlagged.get();
        long fc = canaryFlagged.get();
        double pooled = (double) (fl + fc) / (nl + nc);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / nl + 1.0 / nc));
        double diff = (double) fc / nc - (double) fl / nl;
        return new Finding(nl, fl, nc, fc, se == 0 ? 0 : diff / se);
    }

    record Finding(long liveScreened, long liveFlagged, long canaryScreened, long canaryFlagged, double z) {
        @Override
        public String toString() {
            return String.format("live %d/%d flagged (%.1f %%), canary %d/%d flagged (%.1f %%)", liveFlagged, liveScreened,
                    100.0 * liveFlagged / liveScreened, canaryFlagged, canaryScreened, 100.0 * canaryFlagged / canaryScreened);
        }
    }
}
