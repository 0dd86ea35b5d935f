package io.safeframe.frames.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.Bank;
import io.safeframe.api.v1.BankRef;
import io.safeframe.api.v1.BanksRequest;
import io.safeframe.api.v1.ClassifyFramesRequest;
import io.safeframe.api.v1.ClassifyVideoRequest;
import io.safeframe.api.v1.ClassifyVideoResponse;
import io.safeframe.api.v1.CreateBankRequest;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.FrameClassifierGrpc.FrameClassifierBlockingStub;
import io.safeframe.api.v1.FrameFinding;
import io.safeframe.api.v1.ImportHashesRequest;
import io.safeframe.api.v1.ImportResult;
import io.safeframe.api.v1.MatchHashRequest;
import io.safeframe.api.v1.RemoveHashRequest;
import io.safeframe.api.v1.RequestContext;

/**
 * Videos end to end over real gRPC and PostgreSQL: a bank built from one video's frames catches a re-encoded,
 * down-scaled copy (BLOCK, with the frames and timestamps, vPDQ shares); an unrelated video passes; truncated
 * and garbage files are clear errors; bank administration refuses bad input without writing anything.
 */
@QuarkusTest
public class ClassifyVideoTest {

    static final Path DIR = Path.of("target/videos");
    static final RequestContext CTX = RequestContext.newBuilder().setActor("test-admin").setCorrelationId("t").build();

    @GrpcClient("self")
    FrameClassifierBlockingStub frames;

    @BeforeAll
    static void makeVideos() throws Exception {
        Files.createDirectories(DIR);
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-t", "10", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                DIR.resolve("original-720p.mp4").toString());
        ffmpeg("-i", DIR.resolve("original-720p.mp4").toString(), "-vf", "scale=640:360", "-c:v", "libx264", "-crf", "32", "-preset", "veryfast",
                DIR.resolve("reupload-360p.mp4").toString());
        ffmpeg("-f", "lavfi", "-i", "mandelbrot=size=640x360:rate=25", "-t", "4", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                DIR.resolve("unrelated.mp4").toString());
        byte[] original = Files.readAllBytes(DIR.resolve("original-720p.mp4"));
        Files.write(DIR.resolve("truncated.mp4"), Arrays.copyOf(original, original.length * 6 / 10));
    }

    /** Makes a fixture clip with Debian's ffmpeg (test input only; the product reads media through the media module). */
    public static void ffmpeg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-loglevel", "error", "-y"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(log);
        }
    }

    ClassifyVideoResponse classify(String file) throws Exception {
        return frames.classifyVideo(ClassifyVideoRequest.newBuilder().setContext(CTX)
                .setVideo(ByteString.copyFrom(Files.readAllBytes(DIR.resolve(file)))).build());
    }

    @Test
    void aBankBuiltFromOneVideoCatchesItsReencodedCopy() throws Exception {
        long t0 = System.nanoTime();
        ClassifyVideoResponse original = classify("original-720p.mp4");
        System.out.printf("classify: 10 s 720p H.264, %d frames sampled, end to end %.0f ms%n", original.getFramesSampled(),
                (System.nanoTime() - t0) / 1e6);
        assertEquals(Decision.ALLOW, original.getVerdict().getDecision(), original.getVerdict().getReason());
        assertTrue(original.getFramesSampled() >= 10, "about one frame per second of a 10 s video");
        assertEquals(10_000, original.getDurationMs(), 100);
        assertEquals(64, original.getContentSha256().length());

        frames.createBank(CreateBankRequest.newBuilder().setContext(CTX).setBank(Bank.newBuilder().setName("known-deepfakes")
                .setCategory("real_person_likeness").setDecision(Decision.BLOCK).setDescription("test bank")).build());
        String lines = original.getFramesList().stream().filter(f -> f.getPdqQuality() >= 50)
                .map(f -> f.getPdqHash() + "," + f.getPdqQuality() + ",video-a").collect(Collectors.joining("\n"));
        ImportResult imported = frames.importHashes(ImportHashesRequest.newBuilder().setContext(CTX).setBank("known-deepfakes").setLines(lines).build());
        assertTrue(imported.getAdded() >= 5, "frames imported: " + imported.getAdded());
        assertEquals(31, imported.getBank().getThreshold(), "the default threshold");

        ClassifyVideoResponse copy = classify("reupload-360p.mp4");
        assertEquals(Decision.BLOCK, copy.getVerdict().getDecision(), copy.getVerdict().getReason());
        assertEquals("bank:known-deepfakes", copy.getVerdict().getRuleId());
        assertTrue(copy.getVerdict().getEvidenceList().stream().anyMatch(e -> e.getRuleId().equals("bank:known-deepfakes") && e.getTimestampMs() >= 0));
        var vpdq = copy.getVerdict().getEvidenceList().stream().filter(e -> e.getRuleId().equals("vpdq:known-deepfakes")).findFirst().orElseThrow();
        assertEquals("video-a", vpdq.getMatched());
        assertTrue(vpdq.getScore() >= 0.8, "vPDQ: most frames of both videos match (" + vpdq.getScore() + ")");
        FrameFinding matched = copy.getFramesList().stream().filter(f -> !f.getMatchedBank().isEmpty()).findFirst().orElseThrow();
        assertTrue(matched.getHammingDistance() <= 31);

        ClassifyVideoResponse unrelated = classify("unrelated.mp4");
        assertFalse(unrelated.getFramesList().stream().anyMatch(f -> !f.getMatchedBank().isEmpty()), "no false bank match");

        // single-hash lookups, export, removal
        assertFalse(frames.matchHash(MatchHashRequest.newBuilder().setHash(matched.getPdqHash()).build()).getMatchesList().isEmpty());
        List<String> exported = new ArrayList<>();
        frames.exportHashes(BankRef.newBuilder().setBank("known-deepfakes").build()).forEachRemaining(l -> exported.add(l.getLine()));
        assertEquals(imported.getAdded(), exported.size());
        Bank after = frames.removeHash(RemoveHashRequest.newBuilder().setBank("known-deepfakes").setHash(exported.get(0).split(",")[0]).build());
        assertEquals(imported.getAdded() - 1, after.getSize());
    }

    @Test
    void truncatedAndGarbageMediaAreClearErrors() throws Exception {
        StatusRuntimeException truncated = assertThrows(StatusRuntimeException.class, () -> classify("truncated.mp4"));
        assertEquals(Status.Code.INVALID_ARGUMENT, truncated.getStatus().getCode());
        assertTrue(truncated.getStatus().getDescription().contains("moov") || truncated.getStatus().getDescription().contains("truncated"),
                truncated.getStatus().getDescription());
        StatusRuntimeException garbage = assertThrows(StatusRuntimeException.class, () -> frames.classifyVideo(ClassifyVideoRequest.newBuilder()
                .setVideo(ByteString.copyFromUtf8("this is not a video at all")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, garbage.getStatus().getCode());
        StatusRuntimeException empty = assertThrows(StatusRuntimeException.class, () -> frames.classifyVideo(ClassifyVideoRequest.newBuilder().build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
        StatusRuntimeException badFrame = assertThrows(StatusRuntimeException.class, () -> frames.classifyFrames(ClassifyFramesRequest.newBuilder()
                .addFrames(io.safeframe.api.v1.Frame.newBuilder().setImage(ByteString.copyFromUtf8("\u0089PNG broken"))).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badFrame.getStatus().getCode());
        assertTrue(badFrame.getStatus().getDescription().startsWith("frame 0"));
    }

    @Test
    void bankAdministrationRefusesBadInputAndWritesNothing() {
        frames.createBank(CreateBankRequest.newBuilder().setContext(CTX).setBank(Bank.newBuilder().setName("terror-content")
                .setCategory("violent_extremism").setDecision(Decision.BLOCK).setThreshold(20)).build());
        assertCode(Status.Code.INVALID_ARGUMENT, () -> frames.createBank(CreateBankRequest.newBuilder().setBank(Bank.newBuilder()
                .setName("terror-content").setCategory("x").setDecision(Decision.BLOCK)).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> frames.createBank(CreateBankRequest.newBuilder().setBank(Bank.newBuilder()
                .setName("Bad Name!").setCategory("x").setDecision(Decision.BLOCK)).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> frames.createBank(CreateBankRequest.newBuilder().setBank(Bank.newBuilder()
                .setName("allow-bank").setCategory("x").setDecision(Decision.ALLOW)).build()));
        String good = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,100,ok";
        assertCode(Status.Code.INVALID_ARGUMENT, () -> frames.importHashes(ImportHashesRequest.newBuilder().setBank("terror-content")
                .setLines(good + "\nnot-a-hash,100,x").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> frames.importHashes(ImportHashesRequest.newBuilder().setBank("terror-content")
                .setLines(good + "\n" + good.split(",")[0].replace("f8", "08") + ",abc").build()));
        assertEquals(0, size("terror-content"), "a refused import writes nothing");
        assertCode(Status.Code.NOT_FOUND, () -> frames.importHashes(ImportHashesRequest.newBuilder().setBank("no-such-bank").setLines(good).build()));
        ImportResult r = frames.importHashes(ImportHashesRequest.newBuilder().setBank("terror-content")
                .setLines("# comment\n" + good + "\n" + good + "\n" + good.replace("f8f8", "0000").replace(",100,", ",12,") + "\n").build());
        assertEquals(1, r.getAdded());
        assertEquals(1, r.getDuplicates());
        assertEquals(1, r.getLowQualitySkipped(), "quality < 50 is skipped, as the PDQ authors recommend");
        assertCode(Status.Code.NOT_FOUND, () -> frames.removeHash(RemoveHashRequest.newBuilder().setBank("terror-content").setHash("00".repeat(32)).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> frames.matchHash(MatchHashRequest.newBuilder().setHash("xyz").build()));
    }

    long size(String bank) {
        return frames.listBanks(BanksRequest.newBuilder().build()).getBanksList().stream().filter(b -> b.getName().equals(bank))
                .findFirst().orElseThrow().getSize();
    }

    static void assertCode(Status.Code code, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().getDescription());
    }
}
