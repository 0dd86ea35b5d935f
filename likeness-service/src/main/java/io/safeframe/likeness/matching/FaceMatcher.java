package io.safeframe.likeness.matching;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Nearest enrolled likenesses of the faces found in a clip. Pure arithmetic: no decision about consent here. */
public final class FaceMatcher {

    public enum Strength { CONFIDENT, UNCERTAIN }

    /** The closest any face of the clip came to one likeness. */
    public record Match(Enrolled likeness, double distance, Strength strength) {
    }

    private FaceMatcher() {
    }

    /**
     * Every likeness some face is within the loose threshold of, closest first; one entry per likeness. The thresholds
     * come with the descriptors (frame-classifier's calibrated distances for the model that made them).
     */
    public static List<Match> matches(List<float[]> faces, List<Enrolled> enrolled, Thresholds thresholds) {
        List<Match> out = new ArrayList<>();
        for (Enrolled e : enrolled) {
            double best = Double.POSITIVE_INFINITY;
            for (float[] face : faces) {
                for (float[] ref : e.descriptors()) {
                    best = Math.min(best, distance(face, ref));
                }
            }
            if (best <= thresholds.strict()) {
                out.add(new Match(e, best, Strength.CONFIDENT));
            } else if (best <= thresholds.loose()) {
                out.add(new Match(e, best, Strength.UNCERTAIN));
            }
        }
        out.sort(Comparator.comparingDouble(Match::distance));
        return out;
    }

    public static double distance(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("descriptors of different lengths: " + a.length + " and " + b.length);
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }
}
