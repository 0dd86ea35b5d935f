package io.safeframe.frames.faces;

/** A detected face in frame pixels (may reach past the frame's edges, as the detector predicts it) and its score. */
public record FaceBox(double x, double y, double width, double height, double score) {

    double right() {
        return x + width;
    }

    double bottom() {
        return y + height;
    }

    double iou(FaceBox o) {
        double w = Math.max(0, Math.min(right(), o.right()) - Math.max(x, o.x));
        double h = Math.max(0, Math.min(bottom(), o.bottom()) - Math.max(y, o.y));
        double inter = w * h;
        return inter / (width * height + o.width * o.height - inter);
    }
}
