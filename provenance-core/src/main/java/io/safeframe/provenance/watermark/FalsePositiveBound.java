package io.safeframe.provenance.watermark;

/**
 * The one home of the false-positive bound (docs/watermark.md, "The false-positive bound"). A reading declares a
 * mark only when, on unmarked content, the whole procedure — every key version of the ring, every layout version
 * still read, every geometric hypothesis — says "marked" with probability at most {@link #ALPHA}. By the union
 * bound (Bonferroni), each single test is held to α divided by the number of tests, which is the same as
 * multiplying its exact p-value by that number and comparing with α. Each caller asks this class for its
 * multiplier instead of counting on its own, so adding a key, a layout or a hypothesis family cannot silently
 * widen the bound.
 *
 * <p>The budget of one (key, layout) pair is split as before: half for the direct reading (a quarter each for the
 * trimmed and untrimmed picture when flat bars were removed), half over the {@link Resync#HYPOTHESES} search
 * hypotheses (for video, over them and the direct sum read at the chosen geometry).
 *
 * @param readings how many (key version × layout version) pairs are tried on one file; ≥ 1
 */
public record FalsePositiveBound(int readings) {

    /** α: the probability that unmarked content is declared marked, whatever the ring and the search try. */
    public static final double ALPHA = 1e-6;

    /** One key, the current layout: what a test or a single-key tool reads with. */
    public static final FalsePositiveBound SINGLE_KEY = forRing(1);

    public FalsePositiveBound {
        if (readings < 1) {
            throw new IllegalArgumentException("at least one key and layout is read");
        }
    }

    /** Every key version of a ring of {@code keys}, each at every layout version still readable. */
    public static FalsePositiveBound forRing(int keys) {
        return new FalsePositiveBound(keys * WatermarkLayout.READABLE_VERSIONS.length);
    }

    /** A reading with no search at all (the whole budget of its key goes to it). */
    public long unsearched() {
        return readings;
    }

    /** The direct reading of the picture as it is, when a search may follow. */
    public long direct() {
        return 2L * readings;
    }

    /** Each of the two direct readings when flat bars were removed (trimmed, untrimmed). */
    public long directSplit() {
        return 4L * readings;
    }

    /** Each geometric search hypothesis on a still (or on the first frame of a clip). */
    public long search() {
        return 2L * readings * Resync.HYPOTHESES;
    }

    /** The frames of a clip summed at the geometry the search chose (the search's hypotheses and the direct one). */
    public long synchronisedSum() {
        return 2L * readings * (Resync.HYPOTHESES + 1L);
    }

    /** An exact tail probability multiplied by its test's multiplier, capped at 1: the reported p-value. */
    public static double corrected(double tail, long multiplier) {
        return Math.min(1.0, tail * multiplier);
    }

    /** The decision on a corrected p-value. */
    public static boolean declared(double correctedP) {
        return correctedP <= ALPHA;
    }
}
