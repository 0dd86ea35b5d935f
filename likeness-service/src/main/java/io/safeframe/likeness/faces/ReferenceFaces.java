package io.safeframe.likeness.faces;

import java.util.ArrayList;
import java.util.List;

import io.safeframe.api.v1.DescribeFacesResponse;
import io.safeframe.api.v1.DescribedFace;

/**
 * The rule for reference photos: each shows exactly one clear face. A photo with no face, several faces or an
 * unclear one is refused with a sentence that says which photo and why, so the user can take another; nothing of a
 * refused enrolment is stored. Liveness and anti-spoofing (a photo of a photo, a mask) are out of scope.
 */
public final class ReferenceFaces {

    private ReferenceFaces() {
    }

    /** One descriptor per photo, in photo order; an IllegalArgumentException with the user's reason otherwise. */
    public static List<float[]> descriptors(List<DescribeFacesResponse> described, double minDetectionScore) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < described.size(); i++) {
            List<DescribedFace> faces = described.get(i).getFacesList();
            String photo = "Photo " + (i + 1);
            if (faces.isEmpty()) {
                throw new IllegalArgumentException(photo + " shows no face we can recognise. Use a well-lit photo of your face.");
            }
            if (faces.size() > 1) {
                throw new IllegalArgumentException(photo + " shows " + faces.size() + " faces. Use a photo of you alone.");
            }
            DescribedFace face = faces.get(0);
            if (face.getDetectionScore() < minDetectionScore) {
                throw new IllegalArgumentException(photo + " does not show your face clearly enough. Use a sharp, front-facing photo.");
            }
            if (face.getDescriptorCount() != 128) {
                throw new IllegalStateException("the face describer returned " + face.getDescriptorCount() + " numbers, not 128");
            }
            float[] d = new float[128];
            for (int k = 0; k < 128; k++) {
                d[k] = face.getDescriptor(k);
            }
            out.add(d);
        }
        return out;
    }

    /** Every face of a clip, at any detection score: the frame check errs towards looking. */
    public static List<float[]> all(DescribeFacesResponse described) {
        List<float[]> out = new ArrayList<>();
        for (DescribedFace face : described.getFacesList()) {
            if (face.getDescriptorCount() == 128) {
                float[] d = new float[128];
                for (int k = 0; k < 128; k++) {
                    d[k] = face.getDescriptor(k);
                }
                out.add(d);
            }
        }
        return out;
    }
}
