package io.safeframe.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.Bank;
import io.safeframe.api.v1.ClassifyFramesRequest;
import io.safeframe.api.v1.ClassifyFramesResponse;
import io.safeframe.api.v1.CreateBankRequest;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.FrameClassifierGrpc.FrameClassifierBlockingStub;
import io.safeframe.api.v1.ImportHashesRequest;
import io.safeframe.api.v1.RemoveHashRequest;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.Frame;
import io.safeframe.frames.classify.ClassifyVideoTest;
import io.safeframe.testing.Scrape;

/**
 * A frame set classified over gRPC shows in a scrape: once allowed (category "none"), then, after its frame was
 * put in a bank, blocked by that bank (the bank's category, one bank match), each timed.
 */
@QuarkusTest
class VerdictMetricsTest {

    static final RequestContext CTX = RequestContext.newBuilder().setActor("test-admin").setCorrelationId("metrics").build();

    @GrpcClient("self")
    FrameClassifierBlockingStub frames;

    @Test
    void aClassifiedFrameSetIsCountedByDecisionAndCategoryAndBankMatchesByBank() throws Exception {
        Path png = Path.of("target/metrics-frame.png");
        Files.createDirectories(png.getParent());
        // a pattern no other test uses: the bank made from it below must not catch another test's media
        ClassifyVideoTest.ffmpeg("-f", "lavfi", "-i", "cellauto=s=64x36:rule=30:random_fill_ratio=0.5:random_seed=4242:full=1,scale=640:360:flags=neighbor",
                "-frames:v", "1", png.toString());
        ClassifyFramesRequest request = ClassifyFramesRequest.newBuilder().setContext(CTX)
                .addFrames(Frame.newBuilder().setImage(ByteString.copyFrom(Files.readAllBytes(png))).setTimestampMs(0)).build();

        Scrape before = Scrape.self();
        ClassifyFramesResponse allowed = frames.classifyFrames(request);
        assertEquals(Decision.ALLOW, allowed.getVerdict().getDecision(), allowed.getVerdict().getReason());
        frames.createBank(CreateBankRequest.newBuilder().setContext(CTX).setBank(Bank.newBuilder().setName("metrics-bank")
                .setCategory("violence_gore").setDecision(Decision.BLOCK).setDescription("metrics test")).build());
        var frame = allowed.getFrames(0);
        frames.importHashes(ImportHashesRequest.newBuilder().setContext(CTX).setBank("metrics-bank")
                .setLines(frame.getPdqHash() + "," + frame.getPdqQuality() + ",still").build());
        ClassifyFramesResponse blocked;
        try {
            blocked = frames.classifyFrames(request);
        } finally {
            frames.removeHash(RemoveHashRequest.newBuilder().setContext(CTX).setBank("metrics-bank").setHash(frame.getPdqHash()).build());
        }
        assertEquals(Decision.BLOCK, blocked.getVerdict().getDecision(), blocked.getVerdict().getReason());
        Scrape after = Scrape.self();

        Map<String, String> allow = Map.of("source", "frames", "decision", "ALLOW", "category", "none");
        assertEquals(1, after.count("safeframe_verdicts_total", allow) - before.count("safeframe_verdicts_total", allow),
                after.lines("safeframe_verdicts_total"));
        Map<String, String> block = Map.of("source", "frames", "decision", "BLOCK", "category", "violence_gore");
        assertEquals(1, after.count("safeframe_verdicts_total", block) - before.count("safeframe_verdicts_total", block),
                after.lines("safeframe_verdicts_total"));
        Map<String, String> bank = Map.of("bank", "metrics-bank");
        assertEquals(1, after.count("safeframe_bank_matches_total", bank) - before.count("safeframe_bank_matches_total", bank),
                after.lines("safeframe_bank_matches_total"));
        Map<String, String> source = Map.of("source", "frames");
        assertEquals(2, after.count("safeframe_verdict_seconds_count", source) - before.count("safeframe_verdict_seconds_count", source));
        assertNotNull(after.value("safeframe_verdict_seconds_bucket", Map.of("source", "frames", "le", "+Inf")),
                after.lines("safeframe_verdict_seconds"));
    }
}
