package io.safeframe.frames.faces;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.safeframe.api.v1.DescribeFacesResponse;
import io.safeframe.api.v1.DescribedFace;
import io.safeframe.api.v1.Region;
import io.safeframe.frames.media.Ffmpeg;
import io.safeframe.frames.media.Frame;
import io.safeframe.frames.media.ImageEnd;
import io.safeframe.frames.media.MediaException;
import io.safeframe.frames.media.MediaInfo;
import io.safeframe.frames.media.MediaLimits;

/**
 * DescribeFaces: every face in a still, or in the frames of a clip sampled as for classification (≈ 1 a second plus
 * scene cuts), with its box, detection score, timestamp and descriptor. Media is decoded by the module's hardened
 * ffmpeg path under the same limits as classification. The answer carries biometric data: nothing here logs it, and
 * the RPC is open to likeness-service only (application.properties, identity allow-list).
 */
@ApplicationScoped
public class FaceSearch {

    private static final Set<String> TYPES = Set.of("image/png", "image/jpeg", "video/mp4");
    private final Ffmpeg ffmpeg = new Ffmpeg(MediaLimits.DEFAULT);
    private final FaceDescriptors faces;
    /** The likeness section of the classifier policy in force, read once per request. */
    private final java.util.function.Supplier<LikenessPolicy> policies;

    @jakarta.inject.Inject
    public FaceSearch(io.safeframe.frames.policy.ClassifierPolicyHolder holder) {
        this(FaceDescriptors.fromClasspath(), () -> holder.current().likeness());
    }

    FaceSearch(FaceDescriptors faces, java.util.function.Supplier<LikenessPolicy> policies) {
        this.faces = faces;
        this.policies = policies;
    }

    public DescribeFacesResponse describe(byte[] media, String mediaType) throws MediaException {
        if (media.length == 0) {
            throw new MediaException("no media bytes");
        }
        String type = mediaType.strip().toLowerCase(Locale.ROOT);
        if (!type.isEmpty() && !TYPES.contains(type)) {
            throw new MediaException("media_type " + mediaType + " is not one of image/png, image/jpeg, video/mp4");
        }
        LikenessPolicy policy = policies.get();
        DescribeFacesResponse.Builder out = DescribeFacesResponse.newBuilder().setMatchDistance((float) policy.matchDistance())
                .setReviewDistance((float) policy.reviewDistance()).setModel(FaceDescriptors.MODEL_ID);
        Path file = stage(media);
        try {
            MediaInfo info = ffmpeg.probe(file);
            if (!type.isEmpty() && info.image() != type.startsWith("image/")) {
                throw new MediaException("media_type says " + type + " but the bytes are " + (info.image() ? "an image" : "a video"));
            }
            if (info.image()) {
                ImageEnd.check(media, info.codec());
                add(out, ffmpeg.decodeImage(file, info), policy.faceScoreMin());
                out.setFramesSearched(1);
            } else {
                Ffmpeg.Sampling sampling = Ffmpeg.Sampling.perSecond(info.framesPerSecond() > 0 ? info.framesPerSecond() : 25);
                out.setFramesSearched(ffmpeg.sampleVideo(file, info, sampling, frame -> add(out, frame, policy.faceScoreMin())));
            }
            return out.build();
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temp file left behind is not worth failing the request
            }
        }
    }

    private void add(DescribeFacesResponse.Builder out, Frame f, double faceScoreMin) {
        for (FaceDescriptors.Described d : faces.describe(f, faceScoreMin)) {
            DescribedFace.Builder face = DescribedFace.newBuilder().setTimestampMs(f.timestampMs()).setRegion(region(d.box(), f))
                    .setDetectionScore((float) d.box().score());
            for (float v : d.descriptor()) {
                face.addDescriptor(v);
            }
            out.addFaces(face);
        }
    }

    /** The box clipped to the frame, in whole pixels (the detector may predict a box reaching past the edges). */
    static Region region(FaceBox b, Frame f) {
        int x0 = (int) Math.max(0, Math.floor(b.x()));
        int y0 = (int) Math.max(0, Math.floor(b.y()));
        int x1 = (int) Math.min(f.width(), Math.ceil(b.right()));
        int y1 = (int) Math.min(f.height(), Math.ceil(b.bottom()));
        return Region.newBuilder().setX(x0).setY(y0).setWidth(Math.max(0, x1 - x0)).setHeight(Math.max(0, y1 - y0)).build();
    }

    private static Path stage(byte[] media) throws MediaException {
        try {
            Path file = Files.createTempFile("safeframe-faces-", ".bin");
            Files.write(file, media);
            return file;
        } catch (IOException e) {
            throw new MediaException("cannot stage the media for decoding: " + e.getMessage());
        }
    }
}
