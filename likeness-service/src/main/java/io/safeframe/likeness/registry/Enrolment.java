package io.safeframe.likeness.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.safeframe.api.v1.DescribeFacesResponse;
import io.safeframe.api.v1.ReferencePhoto;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.likeness.Refusal;
import io.safeframe.likeness.config.LikenessSettings;
import io.safeframe.likeness.faces.FaceDescriber;
import io.safeframe.likeness.faces.ReferenceFaces;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Reference photos to descriptors: checked, described one at a time by frame-classifier, one clear face each. */
@ApplicationScoped
public class Enrolment {

    private static final Set<String> PHOTO_TYPES = Set.of("image/png", "image/jpeg");
    private static final int MAX_PHOTO_BYTES = 16 * 1024 * 1024;

    private final FaceDescriber describer;
    private final LikenessSettings settings;

    public Enrolment(FaceDescriber describer, LikenessSettings settings) {
        this.describer = describer;
        this.settings = settings;
    }

    public Uni<List<float[]>> descriptors(RequestContext context, List<ReferencePhoto> photos) {
        if (photos.isEmpty() || photos.size() > settings.maxPhotos()) {
            throw Refusal.invalid("Send 1 to " + settings.maxPhotos() + " photos of your face.");
        }
        for (int i = 0; i < photos.size(); i++) {
            ReferencePhoto p = photos.get(i);
            if (!PHOTO_TYPES.contains(p.getMediaType())) {
                throw Refusal.invalid("Photo " + (i + 1) + " is not a PNG or JPEG image.");
            }
            if (p.getMedia().isEmpty() || p.getMedia().size() > MAX_PHOTO_BYTES) {
                throw Refusal.invalid("Photo " + (i + 1) + " is empty or larger than 16 MB.");
            }
        }
        return Multi.createFrom().iterable(photos)
                .onItem().transformToUniAndConcatenate(p -> describer.describe(context.getCorrelationId(), p.getMedia().toByteArray(), p.getMediaType()))
                .collect().asList()
                .map(described -> {
                    try {
                        return ReferenceFaces.descriptors(new ArrayList<DescribeFacesResponse>(described), settings.minDetectionScore());
                    } catch (IllegalArgumentException unusable) {
                        throw Refusal.invalid(unusable.getMessage());
                    }
                });
    }

    static Map<String, String> attributes(String... kv) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
