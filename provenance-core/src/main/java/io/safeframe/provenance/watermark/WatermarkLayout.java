package io.safeframe.provenance.watermark;

/**
 * The geometry of the mark. The luma plane is area-averaged to a canonical 256×256 grid — proportional to the
 * frame, so rescaling the video does not move the grid — and cut into 32×32 blocks of 8×8; each block carries
 * one bit by quantisation-index modulation (QIM, Chen & Wornell 2001) of one keyed low-frequency DCT
 * coefficient. Of the 1,024 carriers, 256 hold keyed pilot bits (detection and its false-positive bound), 768
 * hold the 128-bit Reed–Solomon codeword of the 64-bit payload six times (soft-decision majority).
 */
public final class WatermarkLayout {

    /**
     * The layout/strength version new marks are made with; the registry records it per asset (provenance-service,
     * V3). Any change to the grid, the carriers, the coefficients, the QIM step or the payload code gets a new
     * version: the old one stays in {@link #READABLE_VERSIONS} (and its reader in this package) for as long as marks
     * made with it matter, and every readable version is one more reading in {@link FalsePositiveBound}.
     */
    public static final int VERSION = 1;
    /** The versions a detector still reads (today only the first exists). */
    static final int[] READABLE_VERSIONS = { 1 };

    public static final int GRID = 256;
    public static final int BLOCK = 8;
    public static final int BLOCKS_PER_SIDE = GRID / BLOCK;
    public static final int CARRIERS = BLOCKS_PER_SIDE * BLOCKS_PER_SIDE;
    public static final int PILOT_BITS = 256;
    public static final int PAYLOAD_BYTES = 8;
    public static final int PARITY_BYTES = 8;
    public static final int CODED_BITS = (PAYLOAD_BYTES + PARITY_BYTES) * 8;
    public static final int REPETITIONS = (CARRIERS - PILOT_BITS) / CODED_BITS;

    /** Low-frequency AC coefficients (u, v) a block may use: robust to compression and scaling, invisible when small. */
    static final int[][] COEFFICIENTS = { { 0, 1 }, { 1, 0 }, { 1, 1 }, { 0, 2 }, { 2, 0 } };

    private WatermarkLayout() {
    }
}
