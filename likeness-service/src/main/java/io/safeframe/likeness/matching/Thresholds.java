package io.safeframe.likeness.matching;

/**
 * Euclidean distances between 128-number face descriptors. Below {@code strict}: the same person, confidently.
 * Between {@code strict} and {@code loose}: perhaps the same person, a human decides. At or above {@code loose}: not
 * a match.
 */
public record Thresholds(double strict, double loose) {

    public Thresholds {
        if (!(strict > 0 && strict <= loose && loose < 2)) {
            throw new IllegalArgumentException("thresholds need 0 < strict <= loose < 2, got " + strict + " / " + loose);
        }
    }
}
