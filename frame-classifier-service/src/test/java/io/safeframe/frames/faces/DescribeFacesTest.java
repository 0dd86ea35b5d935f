package io.safeframe.frames.faces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.DescribeFacesRequest;
import io.safeframe.api.v1.DescribeFacesResponse;
import io.safeframe.api.v1.DescribedFace;
import io.safeframe.api.v1.FrameClassifierGrpc;
import io.safeframe.api.v1.FrameClassifierGrpc.FrameClassifierBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.frames.classify.ClassifierPolicy;
import io.safeframe.frames.classify.ClassifyVideoTest;
import io.safeframe.frames.media.Frame;
import io.safeframe.testing.IdentityChannels;

/**
 * DescribeFaces over real gRPC (mutual TLS as this module's test identity): a demo photo and a clip made from another
 * give the faces the in-process pipeline finds, with descriptors the same person's within the calibrated distance;
 * bad media is INVALID_ARGUMENT; a service other than likeness-service is refused even with a valid certificate.
 */
@QuarkusTest
public class DescribeFacesTest {

    static final Path DIR = Path.of("target/faces-rpc");
    static final int TLS_PORT = 9483;
    static final RequestContext CTX = RequestContext.newBuilder().setActor("likeness-test").setCorrelationId("faces").build();

    @GrpcClient("self")
    FrameClassifierBlockingStub frames;

    @BeforeAll
    static void makeMedia() throws Exception {
        Files.createDirectories(DIR);
        // a 3-s clip of a demo photo at 1280 px: re-encoded by x264, each sampled frame shows the same faces
        ClassifyVideoTest.ffmpeg("-loop", "1", "-i", "target/face-samples/sample3.jpg", "-t", "3", "-r", "25", "-vf", "scale=1280:-2",
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", DIR.resolve("sample3.mp4").toString());
        ClassifyVideoTest.ffmpeg("-i", "target/face-samples/sample1.jpg", DIR.resolve("sample1.png").toString());
    }

    static byte[] bytes(String file) throws Exception {
        return Files.readAllBytes(file.startsWith("target/") ? Path.of(file) : DIR.resolve(file));
    }

    DescribeFacesResponse describe(byte[] media, String type) {
        return frames.describeFaces(DescribeFacesRequest.newBuilder().setContext(CTX).setMedia(ByteString.copyFrom(media)).setMediaType(type).build());
    }

    static float[] descriptor(DescribedFace f) {
        float[] d = new float[f.getDescriptorCount()];
        for (int i = 0; i < d.length; i++) {
            d[i] = f.getDescriptor(i);
        }
        return d;
    }

    @Test
    void aPhotoGivesTheFacesAndDescriptorsOfTheInProcessPipeline() throws Exception {
        LikenessPolicy policy = ClassifierPolicy.fromClasspath().likeness();
        DescribeFacesResponse r = describe(bytes("target/face-samples/sample1.jpg"), "image/jpeg");
        Frame photo = DemoPhotos.load("sample1");
        List<FaceDescriptors.Described> expected = FaceDescriptors.fromClasspath().describe(photo, policy.faceScoreMin());
        assertEquals(1, r.getFramesSearched());
        assertEquals(expected.size(), r.getFacesCount(), "faces found over gRPC vs in process");
        assertTrue(r.getFacesCount() >= 2, "sample1 shows three people");
        assertEquals(policy.matchDistance(), r.getMatchDistance(), 1e-6);
        assertEquals(policy.reviewDistance(), r.getReviewDistance(), 1e-6);
        assertEquals(FaceDescriptors.MODEL_ID, r.getModel());
        for (DescribedFace f : r.getFacesList()) {
            assertEquals(FaceDescriptorNet.DIMENSIONS, f.getDescriptorCount());
            assertEquals(0, f.getTimestampMs());
            assertTrue(f.getRegion().getX() >= 0 && f.getRegion().getX() + f.getRegion().getWidth() <= photo.width(), "region inside the photo");
            assertTrue(f.getRegion().getWidth() > 20 && f.getRegion().getHeight() > 20);
            assertTrue(f.getDetectionScore() > policy.faceScoreMin());
            // ffmpeg decodes the JPEG, the in-process side ImageIO: the same face must still be well within a match
            double nearest = expected.stream().mapToDouble(e -> FaceDescriptors.distance(e.descriptor(), descriptor(f))).min().orElseThrow();
            assertTrue(nearest < policy.matchDistance() / 2, "descriptor " + nearest + " from the in-process one");
        }
        // the same photo as PNG (lossless re-encode): the same faces
        DescribeFacesResponse png = describe(bytes("sample1.png"), "image/png");
        assertEquals(r.getFacesCount(), png.getFacesCount());
    }

    @Test
    void aClipGivesTimestampedFacesThatMatchAcrossFrames() throws Exception {
        LikenessPolicy policy = ClassifierPolicy.fromClasspath().likeness();
        DescribeFacesResponse r = describe(bytes("sample3.mp4"), "video/mp4");
        assertTrue(r.getFramesSearched() >= 3, "≈ 1 frame a second of a 3-s clip: " + r.getFramesSearched());
        Set<Long> times = r.getFacesList().stream().map(DescribedFace::getTimestampMs).collect(Collectors.toSet());
        assertTrue(times.size() >= 2, "faces at several timestamps: " + times);
        assertTrue(times.stream().anyMatch(t -> t >= 1000), "a face after the first second: " + times);
        // every face of the first frame is found again, as the same person, in the last frame searched
        long first = times.stream().min(Long::compare).orElseThrow();
        long last = times.stream().max(Long::compare).orElseThrow();
        List<DescribedFace> a = r.getFacesList().stream().filter(f -> f.getTimestampMs() == first).toList();
        List<DescribedFace> b = r.getFacesList().stream().filter(f -> f.getTimestampMs() == last).toList();
        assertTrue(a.size() >= 2, "sample3 shows three people");
        for (DescribedFace f : a) {
            double nearest = b.stream().mapToDouble(g -> FaceDescriptors.distance(descriptor(f), descriptor(g))).min().orElse(9);
            assertTrue(nearest <= policy.matchDistance(), "a face of frame 0 is " + nearest + " from every face of the last frame");
        }
    }

    @Test
    void badMediaIsInvalidArgument() throws Exception {
        byte[] jpeg = bytes("target/face-samples/sample1.jpg");
        byte[] mp4 = bytes("sample3.mp4");
        assertInvalid(new byte[0], "image/jpeg", "no media bytes");
        assertInvalid(Arrays.copyOf(jpeg, jpeg.length / 2), "image/jpeg", "truncated");
        assertInvalid(Arrays.copyOf(mp4, mp4.length * 6 / 10), "video/mp4", "truncated");
        assertInvalid("just some text, not a picture".getBytes(), "", "not a readable image or video");
        assertInvalid(jpeg, "image/gif", "media_type");
        assertInvalid(mp4, "image/jpeg", "media_type says image/jpeg");
    }

    void assertInvalid(byte[] media, String type, String reason) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> describe(media, type));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains(reason), e.getStatus().getDescription());
    }

    @Test
    void onlyLikenessServiceMayAskForDescriptors() throws Exception {
        // the gateway holds a valid certificate and may call the other FrameClassifier RPCs, not this one
        ManagedChannel channel = IdentityChannels.as("gateway-service", TLS_PORT);
        try {
            FrameClassifierBlockingStub gateway = FrameClassifierGrpc.newBlockingStub(channel);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> gateway.describeFaces(DescribeFacesRequest.newBuilder()
                    .setContext(CTX).setMedia(ByteString.copyFrom(bytes("target/face-samples/sample1.jpg"))).setMediaType("image/jpeg").build()));
            assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        } finally {
            channel.shutdownNow();
        }
    }
}
