package io.safeframe.frames.faces;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.frames.media.Frame;

/**
 * Genuine and impostor face pairs from the six face-api demo photos: each hand-marked face the detector finds is
 * described as it is in the photo, then under each {@link #CHANGES change} (the changed face is searched for again
 * in a context crop around it, as a generated frame would be searched, so a change that loses the face counts), and
 * with its box shifted off-centre. Genuine pairs: two versions of the same face. Impostor pairs: versions of two
 * different faces of the same split (photos are assumed to show different people: not verified). Descriptors stay in
 * memory; only distances are reported.
 */
final class LikenessCalibration {

    /** Photos the threshold is chosen on; the rest are frozen (reported, never tuned on). */
    static final Set<String> TUNING = Set.of("sample1", "sample2", "sample3");

    static final Map<String, Augment.Change> CHANGES = changes();

    private static Map<String, Augment.Change> changes() {
        Map<String, Augment.Change> m = new LinkedHashMap<>();
        m.put("flip", Augment::flip);
        m.put("jpeg-q50", Augment::jpeg50);
        m.put("resize-0.5", Augment::half);
        m.put("brightness+20%", Augment.brightness(1.2));
        m.put("brightness-20%", Augment.brightness(0.8));
        m.put("rotate-10deg", Augment.rotate(10));
        m.put("blur-sigma2", Augment::blur);
        return m;
    }

    record Version(String change, float[] descriptor) {
    }

    record Face(String photo, int mark, List<Version> versions, List<String> lost) {
    }

    /** Distances of one split: genuine (same face) and impostor (different faces). */
    record Pairs(List<Double> genuine, List<Double> impostor, int faces) {

        double missRate(double threshold) {
            return genuine.stream().filter(d -> d > threshold).count() / (double) genuine.size();
        }

        double falseMatchRate(double threshold) {
            return impostor.stream().filter(d -> d <= threshold).count() / (double) impostor.size();
        }

        long misses(double threshold) {
            return genuine.stream().filter(d -> d > threshold).count();
        }

        long falseMatches(double threshold) {
            return impostor.stream().filter(d -> d <= threshold).count();
        }

        double minImpostor() {
            return impostor.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        double maxGenuine() {
            return genuine.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        /** Confident match (BLOCK): the smallest distance on a 0.01 grid at which no genuine pair is missed. */
        double noMissDistance() {
            return Math.ceil((maxGenuine() - 1e-9) * 100) / 100;
        }

        /** Still possibly the same person (REVIEW): the largest distance on a 0.01 grid at which no impostor pair matches. */
        double noFalseMatchDistance() {
            return Math.floor((minImpostor() - 1e-9) * 100) / 100;
        }
    }

    record Measured(List<Face> faces, int marked, int undetected, double msPerDescriptor, double msPerPhoto) {

        Pairs pairs(boolean tuning) {
            List<Face> split = faces.stream().filter(f -> TUNING.contains(f.photo()) == tuning).toList();
            List<Double> genuine = new ArrayList<>();
            List<Double> impostor = new ArrayList<>();
            for (int a = 0; a < split.size(); a++) {
                List<Version> va = split.get(a).versions();
                for (int i = 0; i < va.size(); i++) {
                    for (int j = i + 1; j < va.size(); j++) {
                        genuine.add(FaceDescriptors.distance(va.get(i).descriptor(), va.get(j).descriptor()));
                    }
                }
                for (int b = a + 1; b < split.size(); b++) {
                    for (Version x : va) {
                        for (Version y : split.get(b).versions()) {
                            impostor.add(FaceDescriptors.distance(x.descriptor(), y.descriptor()));
                        }
                    }
                }
            }
            return new Pairs(genuine, impostor, split.size());
        }
    }

    private LikenessCalibration() {
    }

    static Measured measure(FaceDescriptors faces, double faceScoreMin) throws IOException {
        JsonNode labels;
        try (InputStream in = LikenessCalibration.class.getResourceAsStream("/faces/demo-photo-faces.json")) {
            labels = new ObjectMapper().readTree(in).path("faces");
        }
        List<Face> out = new ArrayList<>();
        int marked = 0;
        int undetected = 0;
        List<Double> netMs = new ArrayList<>();
        long photoNanos = 0;
        for (String photo : DemoPhotos.NAMES) {
            Frame f = DemoPhotos.load(photo);
            long t0 = System.nanoTime();
            List<FaceDescriptors.Described> found = new ArrayList<>(faces.describe(f, faceScoreMin));
            photoNanos += System.nanoTime() - t0;
            int mark = 0;
            for (JsonNode centre : labels.path(photo)) {
                marked++;
                double cx = centre.get(0).asDouble();
                double cy = centre.get(1).asDouble();
                FaceDescriptors.Described hit = found.stream().filter(d -> contains(d.box(), cx, cy)).findFirst().orElse(null);
                if (hit == null) {
                    undetected++;
                    mark++;
                    continue;
                }
                found.remove(hit);
                FaceBox box = hit.box();
                List<Version> versions = new ArrayList<>();
                List<String> lost = new ArrayList<>();
                versions.add(new Version("as-is", hit.descriptor()));
                for (var change : CHANGES.entrySet()) {
                    float[] d = changed(faces, f, box, change.getValue(), faceScoreMin);
                    if (d == null) {
                        lost.add(change.getKey());
                    } else {
                        versions.add(new Version(change.getKey(), d));
                    }
                }
                long t2 = System.nanoTime();
                FaceBox shifted = new FaceBox(box.x() + 0.1 * box.width(), box.y() + 0.1 * box.height(), box.width(), box.height(), box.score());
                versions.add(new Version("off-centre-10%", faces.describe(f, shifted)));
                netMs.add((System.nanoTime() - t2) / 1e6); // the descriptor net alone on one face
                out.add(new Face(photo, mark, versions, lost));
                mark++;
            }
        }
        double medianNetMs = netMs.stream().mapToDouble(Double::doubleValue).sorted().skip(netMs.size() / 2).findFirst().orElse(Double.NaN);
        return new Measured(out, marked, undetected, medianNetMs, photoNanos / 1e6 / DemoPhotos.NAMES.length);
    }

    /**
     * The face changed and searched for again: a square context crop of twice the box around the face (clipped to the
     * photo), changed, then the detection nearest the face's new centre that contains it; null when none does.
     */
    static float[] changed(FaceDescriptors faces, Frame f, FaceBox box, Augment.Change change, double faceScoreMin) {
        double cx = box.x() + box.width() / 2;
        double cy = box.y() + box.height() / 2;
        double half = Math.max(box.width(), box.height());
        int x0 = (int) Math.max(0, Math.floor(cx - half));
        int y0 = (int) Math.max(0, Math.floor(cy - half));
        int x1 = (int) Math.min(f.width(), Math.ceil(cx + half));
        int y1 = (int) Math.min(f.height(), Math.ceil(cy + half));
        BufferedImage context = Augment.crop(f, x0, y0, x1 - x0, y1 - y0);
        Augment.Moved moved = change.apply(context, cx - x0, cy - y0);
        Frame g = Augment.frame(moved.image());
        FaceBox best = null;
        for (FaceBox b : faces.detect(g, faceScoreMin)) {
            if (contains(b, moved.cx(), moved.cy()) && (best == null || centreDistance(b, moved) < centreDistance(best, moved))) {
                best = b;
            }
        }
        return best == null ? null : faces.describe(g, best);
    }

    private static double centreDistance(FaceBox b, Augment.Moved m) {
        return Math.hypot(b.x() + b.width() / 2 - m.cx(), b.y() + b.height() / 2 - m.cy());
    }

    static boolean contains(FaceBox b, double x, double y) {
        return b.x() <= x && x <= b.right() && b.y() <= y && y <= b.bottom();
    }
}
