package io.safeframe.provenance.watermark;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Geometric synchronisation before the payload is read (watermark v2, docs/watermark.md). The mark lives on the
 * canonical 256×256 grid of the original frame, so a re-post that rescales or stretches the whole frame does not
 * move it; what does move it is a change of the frame's extent (crop, letterbox, border), a mirror or a rotation.
 * The reader therefore:
 *
 * <ol>
 * <li>removes uniform bars and borders (rows/columns of one flat value at the edges): a deterministic step that
 * does not look at the key, so it costs no hypothesis;</li>
 * <li>reads the remaining picture as is — the direct hypothesis, held to half the false-positive bound (a quarter
 * each for the trimmed and the untrimmed picture when bars were removed);</li>
 * <li>otherwise searches a fixed, finite set of geometries, each scored by how many of the visible keyed pilot
 * bits agree: (a) the picture is the {@code k × k} part (k = 0.70 … 1.00 per side) of the original at any integer
 * canonical offset, mirrored or not; (b) the original was rotated by ±0.5° … ±10° about the centre; (c) the
 * original is a band inside a fill (a blurred copy behind a letterbox), bounded by strong edge rows or columns,
 * mirrored or not. Carriers that fall outside the picture are erasures, not noise: the pilot count n is that of the
 * visible pilots and the p-value is the exact Binomial(n, ½) tail.</li>
 * </ol>
 *
 * The bound: the multipliers come from {@link FalsePositiveBound} (direct 2, search 2·H, each times the keys and
 * layouts read), so by the union bound the whole procedure, on unmarked content, declares a mark with probability
 * ≤ α. The reported p-value is already multiplied.
 */
public final class Resync {

    /** The working plane's longest side: the canonical grid is 256, so more resolution adds nothing. */
    static final int WORK = 512;
    /** Kept fraction per side in the crop search. */
    static final double[] KEEP = range(0.70, 1.00, 0.01);
    /** Rotation hypotheses in degrees (both signs). */
    static final double[] ANGLES = angles();
    /** Band candidates per side (strongest edge rows/columns in each half, plus the picture's own edge). */
    static final int EDGES = 4;
    static final int CROP_HYPOTHESES = cropHypotheses();
    static final int BAND_HYPOTHESES = 2 * 2 * EDGES * EDGES;
    /** Every search hypothesis: what the bound of a search hit is divided by. */
    public static final int HYPOTHESES = CROP_HYPOTHESES + ANGLES.length + BAND_HYPOTHESES;
    /** Fewer visible pilots than this cannot reach the corrected bound. */
    static final int MIN_PILOTS = 48;

    private static final double[][] LOG_TAIL = logTails(WatermarkLayout.PILOT_BITS);

    private Resync() {
    }

    /** What was read, under which hypothesis, and the verdict. */
    public record Result(Detection detection, String hypothesis, double[] coded, Sync sync) {
    }

    /**
     * A hypothesis chosen on one frame, to read further frames of the same shot at (video: synchronise once, then
     * vote over frames). {@code multiplier} is the Bonferroni factor of the search that chose it.
     */
    public record Sync(double l, double t, double r, double b, Geometry geometry, long multiplier) {

        /** Soft pilot values (NaN where the pilot is outside the picture) and coded sums of one frame. */
        public Soft read(byte[] luma, int width, int height, WatermarkKey key) {
            return new Frame(Plane.full(luma, width, height), l, t, r, b).read(geometry, key);
        }
    }

    /** A verdict on soft readings summed over frames read at one {@link Sync}. */
    public static Detection verdict(Soft sum, WatermarkKey key, long multiplier, int frames) {
        // multiplier: from FalsePositiveBound (synchronisedSum), never counted here
        int agree = 0;
        int n = 0;
        for (int i = 0; i < sum.pilot().length; i++) {
            double v = sum.pilot()[i];
            if (Double.isNaN(v)) {
                continue;
            }
            n++;
            if ((v < 0) == key.pilot[i]) {
                agree++;
            }
        }
        double p = n < MIN_PILOTS ? 1 : FalsePositiveBound.corrected(tail(n, agree), multiplier);
        boolean detected = FalsePositiveBound.declared(p);
        byte[] payload = detected ? Payload.decodeSoft(sum.coded()) : null;
        return new Detection(detected, 1 - p, p, agree, payload == null ? null : HexFormat.of().formatHex(payload), frames);
    }

    private static double[] range(double from, double to, double step) {
        int n = (int) Math.round((to - from) / step) + 1;
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = from + step * i;
        }
        return r;
    }

    private static double[] angles() {
        List<Double> a = new ArrayList<>();
        for (double d = 0.5; d <= 10.0001; d += 0.5) {
            a.add(d);
            a.add(-d);
        }
        return a.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static int cropHypotheses() {
        int h = 0;
        for (double k : KEEP) {
            int s = side(k);
            h += (WatermarkLayout.GRID - s + 1) * (WatermarkLayout.GRID - s + 1);
        }
        return 2 * h;
    }

    private static int side(double k) {
        return (int) Math.round(WatermarkLayout.GRID * k);
    }

    /** log P(X ≥ k) for X ~ Binomial(n, ½), every n ≤ max, exactly. */
    private static double[][] logTails(int max) {
        double[][] t = new double[max + 1][];
        for (int n = 0; n <= max; n++) {
            double[] logPmf = new double[n + 1];
            double logC = 0;
            for (int i = 0; i <= n; i++) {
                if (i > 0) {
                    logC += Math.log(n - i + 1) - Math.log(i);
                }
                logPmf[i] = logC - n * Math.log(2);
            }
            t[n] = new double[n + 2];
            t[n][n + 1] = Double.NEGATIVE_INFINITY;
            for (int k = n; k >= 0; k--) {
                double a = t[n][k + 1];
                double b = logPmf[k];
                double hi = Math.max(a, b);
                t[n][k] = hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
            }
        }
        return t;
    }

    static double tail(int n, int agree) {
        return Math.min(1.0, Math.exp(LOG_TAIL[n][Math.max(0, Math.min(n + 1, agree))]));
    }

    /**
     * Where the original's canonical grid lies in the attacked picture (full-resolution pixel coordinates): the
     * rectangle [x0, x1) × [y0, y1), taken in the mirrored picture if {@code mirror}, rotated by {@code degrees}
     * about the picture's centre.
     */
    public record Geometry(double x0, double y0, double x1, double y1, boolean mirror, double degrees) {

        Geometry with(int which, double delta) {
            return new Geometry(x0 + (which == 0 ? delta : 0), y0 + (which == 1 ? delta : 0), x1 + (which == 2 ? delta : 0),
                    y1 + (which == 3 ? delta : 0), mirror, degrees + (which == 4 ? delta : 0));
        }
    }

    /** Reads one luma plane: direct, then the search. */
    public static Result detect(Watermarker marker, byte[] luma, int width, int height, WatermarkKey key) {
        return detect(luma, width, height, key, false, FalsePositiveBound.SINGLE_KEY);
    }

    /**
     * With {@code forSync}, the geometry handed back in {@link Result#sync()} is the refined one whenever this frame
     * shows the mark (a clip is read at it over many frames, so the sub-cell fit matters even when this frame's
     * payload decodes); on a frame without a detection the refinement would only fit noise, so it is skipped.
     */
    public static Result detect(byte[] luma, int width, int height, WatermarkKey key, boolean forSync, FalsePositiveBound bound) {
        Plane full = Plane.full(luma, width, height);
        Plane work = full.working();
        int[] trim = work.trim();
        double sx = (double) width / work.w;
        double sy = (double) height / work.h;
        // the picture without flat bars, in full-resolution coordinates (the bars are found without the key)
        Frame f = new Frame(full, trim[0] * sx, trim[1] * sy, trim[2] * sx, trim[3] * sy);
        Plane p = work.crop(trim);
        Geometry whole = new Geometry(f.l, f.t, f.r, f.b, false, 0);
        Best best = new Best();
        boolean trimmed = trim[0] != 0 || trim[1] != 0 || trim[2] != work.w || trim[3] != work.h;
        // when bars were removed, the untrimmed picture is a second direct hypothesis (a marked picture may have flat
        // edges of its own): the direct half of the bound is then split between the two
        consider(best, f.read(whole, key), trimmed ? bound.directSplit() : bound.direct(), whole, "direct");
        if (best.detected()) {
            return best.result(key, f, forSync);
        }
        if (trimmed) {
            Frame untrimmed = new Frame(full, 0, 0, width, height);
            Geometry all = new Geometry(0, 0, width, height, false, 0);
            Best plain = new Best();
            consider(plain, untrimmed.read(all, key), bound.directSplit(), all, "direct, bars kept");
            if (plain.detected()) {
                return plain.result(key, untrimmed, forSync);
            }
        }
        Best search = new Best();
        long h = bound.search();
        cropSearch(search, p, f, key, h);
        if (!search.detected()) {
            for (double a : ANGLES) {
                Geometry g = new Geometry(f.l, f.t, f.r, f.b, false, a);
                consider(search, readGrid(key, p.rotated(a), null), h, g, "rotate " + a + "°");
            }
        }
        if (!search.detected()) {
            bands(search, p, f, key, h);
        }
        if (search.detected() || search.p < best.p) {
            return search.result(key, f, forSync);
        }
        return best.result(key, f, forSync);
    }

    /** The attacked picture at full resolution and the rectangle left after removing flat bars. */
    private record Frame(Plane full, double l, double t, double r, double b) {

        /** The canonical grid under a geometry; cells outside the picture are invalid (erasures). */
        Soft read(Geometry g, WatermarkKey key) {
            int n = WatermarkLayout.GRID;
            float[] grid = new float[n * n];
            boolean[] valid = new boolean[n * n];
            double cw = (g.x1() - g.x0()) / n;
            double ch = (g.y1() - g.y0()) / n;
            double tolX = Math.abs(cw) * 0.25;
            double tolY = Math.abs(ch) * 0.25;
            double cx = (l + r) / 2;
            double cy = (t + b) / 2;
            double rad = Math.toRadians(g.degrees());
            double cos = Math.cos(rad);
            double sin = Math.sin(rad);
            boolean rotated = g.degrees() != 0;
            for (int v = 0; v < n; v++) {
                for (int u = 0; u < n; u++) {
                    // cell (u, v) in the mirrored picture's coordinates, then mapped to the real picture
                    double ax = g.x0() + u * cw;
                    double bx = ax + cw;
                    if (g.mirror()) {
                        double m0 = l + r - bx;
                        double m1 = l + r - ax;
                        ax = m0;
                        bx = m1;
                    }
                    double ay = g.y0() + v * ch;
                    double by = ay + ch;
                    if (!rotated) {
                        valid[v * n + u] = ax >= l - tolX && bx <= r + tolX && ay >= t - tolY && by <= b + tolY;
                        grid[v * n + u] = (float) full.boxMean(ax, ay, bx, by);
                        continue;
                    }
                    // rotated: 3 × 3 small boxes around the rotated sub-cell centres
                    double sum = 0;
                    boolean inside = true;
                    for (int j = 0; j < 3; j++) {
                        for (int i = 0; i < 3; i++) {
                            double px = ax + (i + 0.5) * (bx - ax) / 3 - cx;
                            double py = ay + (j + 0.5) * (by - ay) / 3 - cy;
                            double qx = cx + px * cos - py * sin;
                            double qy = cy + px * sin + py * cos;
                            inside &= qx >= l && qx <= r && qy >= t && qy <= b;
                            sum += full.boxMean(qx - cw / 6, qy - ch / 6, qx + cw / 6, qy + ch / 6);
                        }
                    }
                    valid[v * n + u] = inside;
                    grid[v * n + u] = (float) (sum / 9);
                }
            }
            return readGrid(key, grid, valid);
        }
    }

    /** The best hypothesis so far (smallest corrected p). */
    private static final class Best {
        double p = 2;
        int agree;
        int n;
        double[] coded;
        Geometry geometry;
        long multiplier = 1;
        String hypothesis = "none";

        boolean detected() {
            return FalsePositiveBound.declared(p);
        }

        /**
         * The verdict (decided at the hypothesis' own p-value); when detected, the payload is read at a refined
         * geometry: a local sub-cell search around the winning hypothesis that maximises the pilots' soft
         * correlation. The refinement does not change the verdict or its p-value, only where the payload is read.
         */
        Result result(WatermarkKey key, Frame f, boolean forSync) {
            byte[] payload = null;
            String how = hypothesis;
            double[] codedUsed = coded;
            Geometry usedGeometry = geometry;
            if (detected()) {
                payload = Payload.decodeSoft(coded);
            }
            if (geometry != null && detected() && (forSync || payload == null)) {
                Refined refined = refine(f, geometry, key);
                usedGeometry = refined.geometry();
                byte[] r = detected() ? Payload.decodeSoft(refined.soft().coded()) : null;
                if (r != null) {
                    payload = r;
                    codedUsed = refined.soft().coded();
                    how = hypothesis + ", refined";
                }
            }
            Detection d = new Detection(detected(), 1 - Math.min(1, p), Math.min(1, p), agree, payload == null ? null : HexFormat.of().formatHex(payload), 1);
            return new Result(d, how, codedUsed, geometry == null ? null : new Sync(f.l(), f.t(), f.r(), f.b(), usedGeometry, multiplier));
        }
    }

    private static boolean[] bits(double[] coded) {
        boolean[] bits = new boolean[coded.length];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = coded[i] < 0;
        }
        return bits;
    }

    /** Coordinate descent on the rectangle's edges (and the angle) in shrinking steps, scored by pilot correlation. */
    record Refined(Soft soft, Geometry geometry) {
    }

    static Refined refine(Frame f, Geometry g, WatermarkKey key) {
        Soft bestSoft = f.read(g, key);
        double bestScore = bestSoft.score();
        double cell = Math.abs(g.x1() - g.x0()) / WatermarkLayout.GRID;
        double cellY = Math.abs(g.y1() - g.y0()) / WatermarkLayout.GRID;
        for (double step : new double[] { 0.5, 0.25, 0.125 }) {
            boolean improved = true;
            int rounds = 0;
            while (improved && rounds++ < 3) {
                improved = false;
                for (int which = 0; which < (g.degrees() != 0 ? 5 : 4); which++) {
                    double unit = which == 4 ? 0.5 : which == 1 || which == 3 ? cellY : cell;
                    for (int sign = -1; sign <= 1; sign += 2) {
                        Geometry c = g.with(which, sign * step * unit);
                        Soft s = f.read(c, key);
                        if (s.score() > bestScore) {
                            bestScore = s.score();
                            bestSoft = s;
                            g = c;
                            improved = true;
                        }
                    }
                }
            }
        }
        return new Refined(bestSoft, g);
    }

    /** Soft readings of one canonical grid (cells marked invalid are erasures). */
    public record Soft(int agree, int n, double corr, double[] pilot, double[] coded) {

        /** Frame-by-frame sum (pilots outside the picture stay NaN). */
        public Soft plus(Soft o) {
            double[] p = pilot.clone();
            double[] c = coded.clone();
            for (int i = 0; i < p.length; i++) {
                p[i] += o.pilot[i];
            }
            for (int i = 0; i < c.length; i++) {
                c[i] += o.coded[i];
            }
            return new Soft(agree + o.agree, n, corr + o.corr, p, c);
        }

        /** The pilots' soft correlation, normalised like a z-score. */
        double score() {
            return n == 0 ? -1e9 : corr / Math.sqrt(n);
        }
    }

    private static void consider(Best best, Soft s, long multiplier, Geometry g, String name) {
        if (s.n < MIN_PILOTS) {
            return;
        }
        double p = FalsePositiveBound.corrected(tail(s.n, s.agree), multiplier);
        if (p < best.p) {
            best.p = p;
            best.agree = s.agree;
            best.n = s.n;
            best.coded = s.coded;
            best.hypothesis = name;
            best.geometry = g;
            best.multiplier = multiplier;
        }
    }

    private static Soft readGrid(WatermarkKey key, float[] grid, boolean[] valid) {
        int agree = 0;
        int n = 0;
        double corr = 0;
        double[] coded = new double[WatermarkLayout.CODED_BITS];
        double[] pilot = new double[WatermarkLayout.PILOT_BITS];
        java.util.Arrays.fill(pilot, Double.NaN);
        int blocks = WatermarkLayout.BLOCKS_PER_SIDE;
        for (int i = 0; i < WatermarkLayout.CARRIERS; i++) {
            int block = key.permutation[i];
            int bx = (block % blocks) * 8;
            int by = (block / blocks) * 8;
            if (valid != null && !(valid[by * WatermarkLayout.GRID + bx] && valid[(by + 7) * WatermarkLayout.GRID + bx + 7])) {
                continue;
            }
            float[][] b = Watermarker.BASIS[key.coefficient[i]];
            double c = 0;
            for (int y = 0; y < 8; y++) {
                int row = (by + y) * WatermarkLayout.GRID + bx;
                for (int x = 0; x < 8; x++) {
                    c += grid[row + x] * b[y][x];
                }
            }
            double soft = Math.cos(2 * Math.PI * (c / Watermarker.STEP - key.dither[i]));
            if (i < WatermarkLayout.PILOT_BITS) {
                n++;
                pilot[i] = soft;
                corr += key.pilot[i] ? -soft : soft;
                if ((soft < 0) == key.pilot[i]) {
                    agree++;
                }
            } else {
                coded[(i - WatermarkLayout.PILOT_BITS) % WatermarkLayout.CODED_BITS] += soft;
            }
        }
        return new Soft(agree, n, corr, pilot, coded);
    }

    /**
     * The picture is the s × s canonical cells of the original starting at (ox, oy), s = 256·k, mirrored or not.
     * For each (k, mirror) the picture is resampled to s × s once and its five carrier responses computed at every
     * position (separable 8×8 correlations); every offset then costs 256 look-ups.
     */
    private static void cropSearch(Best best, Plane p, Frame f, WatermarkKey key, long multiplier) {
        int g = WatermarkLayout.GRID;
        int blocks = WatermarkLayout.BLOCKS_PER_SIDE;
        int[] pbx = new int[WatermarkLayout.PILOT_BITS];
        int[] pby = new int[WatermarkLayout.PILOT_BITS];
        for (int i = 0; i < pbx.length; i++) {
            pbx[i] = (key.permutation[i] % blocks) * 8;
            pby[i] = (key.permutation[i] / blocks) * 8;
        }
        // widest first: the common small crops are found early
        for (int ki = KEEP.length - 1; ki >= 0; ki--) {
            int s = side(KEEP[ki]);
            for (int m = 0; m < 2; m++) {
                boolean mirror = m == 1;
                float[] pic = p.resample(s, s, mirror);
                int rs = s - 7;
                float[][] resp = responses(pic, s);
                int bestAgree = -1;
                int bestN = 0;
                int bestOx = 0;
                int bestOy = 0;
                double bestP = 2;
                for (int oy = 0; oy <= g - s; oy++) {
                    for (int ox = 0; ox <= g - s; ox++) {
                        int agree = 0;
                        int n = 0;
                        for (int i = 0; i < pbx.length; i++) {
                            int x = pbx[i] - ox;
                            int y = pby[i] - oy;
                            if (x < 0 || y < 0 || x >= rs || y >= rs) {
                                continue;
                            }
                            double c = resp[key.coefficient[i]][y * rs + x];
                            double fr = c / Watermarker.STEP - key.dither[i];
                            fr -= Math.floor(fr);
                            boolean bit1 = fr > 0.25 && fr < 0.75;
                            n++;
                            if (bit1 == key.pilot[i]) {
                                agree++;
                            }
                        }
                        if (n < MIN_PILOTS) {
                            continue;
                        }
                        // a quick screen before the exact tail: agreement must be well above half
                        if (2 * agree - n < 8) {
                            continue;
                        }
                        double pv = tail(n, agree);
                        if (pv < bestP) {
                            bestP = pv;
                            bestAgree = agree;
                            bestN = n;
                            bestOx = ox;
                            bestOy = oy;
                        }
                    }
                }
                if (bestAgree >= 0 && FalsePositiveBound.corrected(bestP, multiplier) < best.p) {
                    // read again at full resolution at the winning offset (payload included)
                    double pw = (f.r() - f.l()) * g / s;
                    double ph = (f.b() - f.t()) * g / s;
                    double x0 = f.l() - bestOx * pw / g;
                    double y0 = f.t() - bestOy * ph / g;
                    Geometry geo = new Geometry(x0, y0, x0 + pw, y0 + ph, mirror, 0);
                    consider(best, f.read(geo, key), multiplier, geo,
                            String.format("crop %.2f at (%d,%d)%s", KEEP[ki], bestOx, bestOy, mirror ? " mirrored" : ""));
                    if (best.detected()) {
                        return;
                    }
                }
            }
        }
    }

    /** The five carrier responses of an s × s picture at every top-left position (s − 7)². */
    private static float[][] responses(float[] pic, int s) {
        int rs = s - 7;
        // horizontal pass per distinct u (0, 1, 2), vertical pass per coefficient
        float[][] cu = new float[3][8];
        float[][] cv = new float[3][8];
        for (int f = 0; f < 3; f++) {
            double a = f == 0 ? Math.sqrt(1.0 / 8) : Math.sqrt(2.0 / 8);
            for (int x = 0; x < 8; x++) {
                cu[f][x] = (float) (a * Math.cos((2 * x + 1) * f * Math.PI / 16));
                cv[f][x] = cu[f][x];
            }
        }
        float[][] horizontal = new float[3][s * rs];
        for (int f = 0; f < 3; f++) {
            float[] c = cu[f];
            float[] out = horizontal[f];
            for (int y = 0; y < s; y++) {
                int row = y * s;
                for (int x = 0; x < rs; x++) {
                    float sum = 0;
                    for (int k = 0; k < 8; k++) {
                        sum += pic[row + x + k] * c[k];
                    }
                    out[y * rs + x] = sum;
                }
            }
        }
        float[][] r = new float[WatermarkLayout.COEFFICIENTS.length][rs * rs];
        for (int t = 0; t < r.length; t++) {
            int u = WatermarkLayout.COEFFICIENTS[t][0];
            int v = WatermarkLayout.COEFFICIENTS[t][1];
            float[] h = horizontal[u];
            float[] c = cv[v];
            float[] out = r[t];
            for (int y = 0; y < rs; y++) {
                for (int x = 0; x < rs; x++) {
                    float sum = 0;
                    for (int k = 0; k < 8; k++) {
                        sum += h[(y + k) * rs + x] * c[k];
                    }
                    out[y * rs + x] = sum;
                }
            }
        }
        return r;
    }

    /**
     * A letterbox over a blurred (or any) fill: the original is a band between two strong edge rows (or columns).
     * Candidates: the {@link #EDGES}−1 strongest edges in each half plus the picture's own edge, mirrored or not.
     */
    private static void bands(Best best, Plane p, Frame f, WatermarkKey key, long multiplier) {
        for (int axis = 0; axis < 2; axis++) {
            boolean rows = axis == 0;
            int len = rows ? p.h : p.w;
            double[] strength = p.edgeStrength(rows);
            int[] first = strongest(strength, 1, len / 2, EDGES - 1, 0);
            int[] last = strongest(strength, len / 2, len, EDGES - 1, len);
            for (int a : first) {
                for (int b : last) {
                    if (b - a < len / 4) {
                        continue;
                    }
                    for (int m = 0; m < 2; m++) {
                        double ya = f.t() + a * (f.b() - f.t()) / p.h;
                        double yb = f.t() + b * (f.b() - f.t()) / p.h;
                        double xa = f.l() + a * (f.r() - f.l()) / p.w;
                        double xb = f.l() + b * (f.r() - f.l()) / p.w;
                        Geometry geo = rows ? new Geometry(f.l(), ya, f.r(), yb, m == 1, 0) : new Geometry(xa, f.t(), xb, f.b(), m == 1, 0);
                        consider(best, f.read(geo, key), multiplier, geo,
                                (rows ? "band rows " : "band columns ") + a + "–" + b + (m == 1 ? " mirrored" : ""));
                        if (best.detected()) {
                            return;
                        }
                    }
                }
            }
        }
    }

    /** The picture's own edge {@code edge} then the {@code count} strongest positions in [from, to), apart by ≥ 3. */
    private static int[] strongest(double[] s, int from, int to, int count, int edge) {
        int[] out = new int[count + 1];
        out[0] = edge;
        boolean[] taken = new boolean[s.length];
        for (int c = 1; c <= count; c++) {
            int bestI = edge;
            double bestV = -1;
            for (int i = Math.max(1, from); i < Math.min(to, s.length); i++) {
                if (!taken[i] && s[i] > bestV) {
                    bestV = s[i];
                    bestI = i;
                }
            }
            out[c] = bestI;
            for (int i = Math.max(0, bestI - 3); i <= Math.min(s.length - 1, bestI + 3); i++) {
                taken[i] = true;
            }
        }
        return out;
    }

    /** A working luma plane (float, at most {@link #WORK} on its longer side) with its integral image. */
    static final class Plane {
        final float[] v;
        final int w;
        final int h;
        private double[] integral;

        Plane(float[] v, int w, int h) {
            this.v = v;
            this.w = w;
            this.h = h;
        }

        /** The full-resolution plane (only its integral image is kept). */
        static Plane full(byte[] luma, int width, int height) {
            Plane full = new Plane(null, width, height);
            full.integral = integralOf(luma, width, height);
            return full;
        }

        /** The area-averaged working copy of a full plane. */
        Plane working() {
            double scale = Math.min(1.0, (double) WORK / Math.max(w, h));
            int ww = Math.max(8, (int) Math.round(w * scale));
            int wh = Math.max(8, (int) Math.round(h * scale));
            float[] out = new float[ww * wh];
            for (int y = 0; y < wh; y++) {
                for (int x = 0; x < ww; x++) {
                    out[y * ww + x] = (float) boxMean((double) x * w / ww, (double) y * h / wh, (double) (x + 1) * w / ww, (double) (y + 1) * h / wh);
                }
            }
            return new Plane(out, ww, wh);
        }

        Plane crop(int[] r) {
            if (r[0] == 0 && r[1] == 0 && r[2] == w && r[3] == h) {
                return this;
            }
            int nw = r[2] - r[0];
            int nh = r[3] - r[1];
            float[] out = new float[nw * nh];
            for (int y = 0; y < nh; y++) {
                System.arraycopy(v, (y + r[1]) * w + r[0], out, y * nw, nw);
            }
            return new Plane(out, nw, nh);
        }

        private static double[] integralOf(byte[] luma, int width, int height) {
            double[] s = new double[(width + 1) * (height + 1)];
            for (int y = 0; y < height; y++) {
                double row = 0;
                for (int x = 0; x < width; x++) {
                    row += luma[y * width + x] & 0xff;
                    s[(y + 1) * (width + 1) + x + 1] = s[y * (width + 1) + x + 1] + row;
                }
            }
            return s;
        }

        private double[] integral() {
            if (integral == null) {
                integral = new double[(w + 1) * (h + 1)];
                for (int y = 0; y < h; y++) {
                    double row = 0;
                    for (int x = 0; x < w; x++) {
                        row += v[y * w + x];
                        integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
                    }
                }
            }
            return integral;
        }

        /** ∫∫ of the piecewise-constant plane over [0,x)×[0,y): bilinear in the integral image, exact. */
        private double area(double x, double y) {
            double[] s = integral();
            x = Math.max(0, Math.min(w, x));
            y = Math.max(0, Math.min(h, y));
            int x0 = Math.min(w - 1, (int) x);
            int y0 = Math.min(h - 1, (int) y);
            double fx = x - x0;
            double fy = y - y0;
            int stride = w + 1;
            double a = s[y0 * stride + x0];
            double b = s[y0 * stride + x0 + 1];
            double c = s[(y0 + 1) * stride + x0];
            double d = s[(y0 + 1) * stride + x0 + 1];
            return a * (1 - fx) * (1 - fy) + b * fx * (1 - fy) + c * (1 - fx) * fy + d * fx * fy;
        }

        double boxMean(double x0, double y0, double x1, double y1) {
            double sum = area(x1, y1) - area(x0, y1) - area(x1, y0) + area(x0, y0);
            return sum / Math.max(1e-9, (x1 - x0) * (y1 - y0));
        }

        /** The area average of the rectangle [x0,x1)×[y0,y1) on an sw × sh grid (mirrored left–right if asked). */
        float[] resample(double x0, double y0, double x1, double y1, int sw, int sh, boolean mirror) {
            float[] out = new float[sw * sh];
            double cw = (x1 - x0) / sw;
            double ch = (y1 - y0) / sh;
            for (int j = 0; j < sh; j++) {
                for (int i = 0; i < sw; i++) {
                    int src = mirror ? sw - 1 - i : i;
                    out[j * sw + i] = (float) boxMean(x0 + src * cw, y0 + j * ch, x0 + (src + 1) * cw, y0 + (j + 1) * ch);
                }
            }
            return out;
        }

        float[] resample(int sw, int sh, boolean mirror) {
            return resample(0, 0, w, h, sw, sh, mirror);
        }

        float[] canonical(double x0, double y0, double x1, double y1, boolean mirror) {
            return resample(x0, y0, x1, y1, WatermarkLayout.GRID, WatermarkLayout.GRID, mirror);
        }

        /** The canonical grid of the original if the picture is it rotated by {@code degrees} about the centre. */
        float[] rotated(double degrees) {
            int g = WatermarkLayout.GRID;
            double r = Math.toRadians(degrees);
            double cos = Math.cos(r);
            double sin = Math.sin(r);
            double cx = w / 2.0;
            double cy = h / 2.0;
            float[] out = new float[g * g];
            double cw = (double) w / g;
            double ch = (double) h / g;
            for (int v = 0; v < g; v++) {
                for (int u = 0; u < g; u++) {
                    double sum = 0;
                    for (int sy = 0; sy < 2; sy++) {
                        for (int sx = 0; sx < 2; sx++) {
                            double x = (u + 0.25 + 0.5 * sx) * cw - cx;
                            double y = (v + 0.25 + 0.5 * sy) * ch - cy;
                            sum += bilinear(cx + x * cos - y * sin, cy + x * sin + y * cos);
                        }
                    }
                    out[v * g + u] = (float) (sum / 4);
                }
            }
            return out;
        }

        private double bilinear(double x, double y) {
            x -= 0.5;
            y -= 0.5;
            x = Math.max(0, Math.min(w - 1.001, x));
            y = Math.max(0, Math.min(h - 1.001, y));
            int x0 = (int) x;
            int y0 = (int) y;
            double fx = x - x0;
            double fy = y - y0;
            double a = v[y0 * w + x0];
            double b = v[y0 * w + x0 + 1];
            double c = v[(y0 + 1) * w + x0];
            double d = v[(y0 + 1) * w + x0 + 1];
            return a * (1 - fx) * (1 - fy) + b * fx * (1 - fy) + c * (1 - fx) * fy + d * fx * fy;
        }

        /** Mean absolute difference across each row boundary (rows) or column boundary (columns). */
        double[] edgeStrength(boolean rows) {
            int len = rows ? h : w;
            double[] s = new double[len];
            for (int i = 1; i < len; i++) {
                double sum = 0;
                int other = rows ? w : h;
                for (int j = 0; j < other; j++) {
                    sum += rows ? Math.abs(v[i * w + j] - v[(i - 1) * w + j]) : Math.abs(v[j * w + i] - v[j * w + i - 1]);
                }
                s[i] = sum / other;
            }
            return s;
        }

        /**
         * Without flat bars at the edges: a row or column is a bar when its values vary by less than 3 levels and
         * it sits at the edge (or next to another bar); a side flat up to 40 % is a flat picture, not a bar. Does not look at the key.
         */
        int[] trim() {
            int top = 0;
            while (top < h * 2 / 5 && flatRow(top)) {
                top++;
            }
            int bottom = h;
            while (bottom > h * 3 / 5 && flatRow(bottom - 1)) {
                bottom--;
            }
            if (top >= h * 2 / 5 || bottom <= h * 3 / 5) {
                top = 0; // flat all the way to the limit: a flat picture, not a bar
                bottom = h;
            }
            int left = 0;
            while (left < w * 2 / 5 && flatColumn(left, top, bottom)) {
                left++;
            }
            int right = w;
            while (right > w * 3 / 5 && flatColumn(right - 1, top, bottom)) {
                right--;
            }
            if (left >= w * 2 / 5 || right <= w * 3 / 5) {
                left = 0;
                right = w;
            }
            if (bottom - top < 8 || right - left < 8) {
                return new int[] { 0, 0, w, h };
            }
            return new int[] { left, top, right, bottom };
        }

        private boolean flatRow(int y) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int x = 0; x < w; x++) {
                min = Math.min(min, v[y * w + x]);
                max = Math.max(max, v[y * w + x]);
            }
            return max - min < 3;
        }

        private boolean flatColumn(int x, int top, int bottom) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int y = top; y < bottom; y++) {
                min = Math.min(min, v[y * w + x]);
                max = Math.max(max, v[y * w + x]);
            }
            return max - min < 3;
        }
    }
}
