package io.safeframe.generator;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.google.protobuf.ByteString;

import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.safeframe.api.v1.GenerateRequest;
import io.safeframe.api.v1.GenerateResponse;
import io.safeframe.api.v1.VideoGenerator;
import io.safeframe.generator.encode.H264Writer;
import io.safeframe.generator.fixture.CameoFaces;
import io.safeframe.generator.fixture.FixtureMedia;
import io.safeframe.generator.render.SyntheticScene;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/** safeframe.v1.VideoGenerator without a model: a deterministic clip per (prompt, seed, duration, aspect). */
@GrpcService
public class SyntheticGeneratorGrpcService implements VideoGenerator {

    public static final String MODEL = "safeframe-synthetic";
    public static final String MODEL_VERSION = "1";

    /** Frame sizes per aspect ratio: small enough to render, classify and mark quickly on two cores. */
    private static final Map<String, int[]> SIZES = Map.of("16:9", new int[] { 640, 360 }, "9:16", new int[] { 360, 640 },
            "1:1", new int[] { 480, 480 });

    private final int fps;
    private final int maxSeconds;
    private final Duration encodeTimeout;
    private final CameoFaces cameos;

    public SyntheticGeneratorGrpcService(@ConfigProperty(name = "safeframe.generator.fps") int fps,
            @ConfigProperty(name = "safeframe.generator.max-seconds") int maxSeconds,
            @ConfigProperty(name = "safeframe.generator.encode-timeout") Duration encodeTimeout,
            @ConfigProperty(name = "safeframe.generator.person-face") Optional<String> personFace) {
        this.fps = fps;
        this.maxSeconds = maxSeconds;
        this.encodeTimeout = encodeTimeout;
        this.cameos = new CameoFaces(cameoFaces(), personFace);
    }

    /** safeframe.generator.cameo-faces.HANDLE=sampleN:CX,CY,SIDE (tests set these; none by default). */
    private static Map<String, String> cameoFaces() {
        String prefix = "safeframe.generator.cameo-faces.";
        Config config = ConfigProvider.getConfig();
        Map<String, String> out = new java.util.HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(prefix)) {
                out.put(name.substring(prefix.length()).replace("\"", ""), config.getValue(name, String.class));
            }
        }
        return out;
    }

    @Override
    @Blocking
    public Uni<GenerateResponse> generate(GenerateRequest request) {
        return Uni.createFrom().item(() -> render(request));
    }

    /** The clip, with the fixture's caption and narration when the request asks for them (tests only). */
    private byte[] encode(GenerateRequest request, int[] size, int frames, SyntheticScene scene) throws IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("safeframe-gen");
        java.util.List<String> filter = java.util.List.of();
        java.nio.file.Path narration = null;
        try {
            if (!request.getFixture().getCaption().isBlank()) {
                filter = FixtureMedia.captionFilter(request.getFixture().getCaption(), size[0], size[1], dir);
            }
            if (!request.getFixture().getNarration().isBlank()) {
                narration = FixtureMedia.speak(request.getFixture().getNarration(), dir);
            }
        } catch (IOException e) {
            H264Writer.deleteAll(dir);
            throw e;
        }
        Optional<CameoFaces.Patch> face = cameos.faceFor(request.getPrompt()).map(f -> CameoFaces.patch(f, size[0], size[1]));
        H264Writer.FrameSource source = face.isEmpty() ? scene::render : (index, rgb) -> {
            scene.render(index, rgb);
            face.get().paint(rgb, size[0], size[1]);
        };
        return H264Writer.encode(size[0], size[1], fps, frames, source, encodeTimeout, new H264Writer.Extras(filter, narration), dir);
    }

    private GenerateResponse render(GenerateRequest request) {
        if (request.getPrompt().isBlank()) {
            throw Status.INVALID_ARGUMENT.withDescription("prompt is empty").asRuntimeException();
        }
        if (request.getDurationSeconds() < 1 || request.getDurationSeconds() > maxSeconds) {
            throw Status.INVALID_ARGUMENT.withDescription("duration_seconds must be 1.." + maxSeconds).asRuntimeException();
        }
        String aspect = request.getAspect().isEmpty() ? "16:9" : request.getAspect();
        int[] size = SIZES.get(aspect);
        if (size == null) {
            throw Status.INVALID_ARGUMENT.withDescription("aspect must be one of " + SIZES.keySet()).asRuntimeException();
        }
        int frames = request.getDurationSeconds() * fps;
        SyntheticScene scene = new SyntheticScene(request.getPrompt(), request.getSeed(), size[0], size[1]);
        try {
            byte[] mp4 = encode(request, size, frames, scene);
            return GenerateResponse.newBuilder().setVideo(ByteString.copyFrom(mp4)).setMediaType("video/mp4").setModel(MODEL)
                    .setModelVersion(MODEL_VERSION).setWidth(size[0]).setHeight(size[1]).setFrames(frames).build();
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("rendering failed: " + e.getMessage()).asRuntimeException();
        }
    }
}
