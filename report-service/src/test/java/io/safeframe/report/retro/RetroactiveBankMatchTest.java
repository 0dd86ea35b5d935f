package io.safeframe.report.retro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.Bank;
import io.safeframe.api.v1.ClassifyVideoRequest;
import io.safeframe.api.v1.ClassifyVideoResponse;
import io.safeframe.api.v1.CreateBankRequest;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.FrameClassifierGrpc;
import io.safeframe.api.v1.FrameClassifierGrpc.FrameClassifierBlockingStub;
import io.safeframe.api.v1.FrameFinding;
import io.safeframe.api.v1.ImportHashesRequest;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.testing.FramesServiceProcess;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.IdentityChannels;
import io.safeframe.testing.PolicyServiceProcess;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * Retroactive enforcement (issue 24 item 5) between real processes: frame-classifier classifies three clips (it keeps
 * their frame hashes), then a bank gets two entries — one exactly a frame of clip A, one a frame of clip B with three
 * bits flipped. frame-classifier matches the new entries against the clips it saw and opens cases in this
 * report-service (the application under test) at its configured rate: here one case per 6 s, so the two matches
 * arrive one after the other, never together; clip C, which no entry resembles, gets none.
 */
@QuarkusTest
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(value = GuardServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = RetroactiveBankMatchTest.FramesCallingBack.class, restrictToAnnotatedClass = true)
class RetroactiveBankMatchTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** this application's TLS port under test (report-service %test) */
    private static final int REPORT_TLS_PORT = 9485;

    /** frame-classifier opening its retroactive cases here, one per 6 s, checking every second. */
    public static class FramesCallingBack extends FramesServiceProcess {
        @Override
        protected List<String> options() {
            List<String> options = new ArrayList<>(super.options());
            options.addAll(List.of("-Dquarkus.grpc.clients.report.port=" + REPORT_TLS_PORT, "-Dsafeframe.retro.cases-per-period=1",
                    "-Dsafeframe.retro.period=6s", "-Dsafeframe.retro.match-every=1s", "-Dsafeframe.retro.drain-every=1s"));
            return options;
        }
    }

    private static ManagedChannel channel;
    private static FrameClassifierBlockingStub frames;

    @Inject
    Pool pool;

    @BeforeAll
    static void connect() {
        channel = IdentityChannels.as("gateway-service", FramesServiceProcess.PORT + 400);
        frames = FrameClassifierGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void close() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNewBankEntryOpensCasesForEarlierClipsItMatchesAtTheConfiguredRate() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> sources = Map.of("a", "mandelbrot=size=320x240:rate=8", "b", "cellauto=size=320x240:rate=8:rule=110",
                "c", "life=size=320x240:rate=8:mold=10:ratio=0.4");
        Map<String, ClassifyVideoResponse> classified = new java.util.HashMap<>();
        for (var source : sources.entrySet()) {
            ClassifyVideoResponse r = frames.withDeadlineAfter(2, TimeUnit.MINUTES).classifyVideo(ClassifyVideoRequest.newBuilder()
                    .setContext(RequestContext.newBuilder().setActor("gateway-service").setAccountId("owner-" + source.getKey())
                            .setCorrelationId("retro-test-" + run))
                    .setContentId(contentId(run, source.getKey())).setVideo(ByteString.copyFrom(clip(source.getValue()))).build());
            assertTrue(r.getVerdict().getDecision() != Decision.BLOCK, source.getKey() + " must be publishable: " + r.getVerdict());
            classified.put(source.getKey(), r);
        }
        String exactA = bestFrame(classified.get("a")).getPdqHash();
        String nearB = flipBits(bestFrame(classified.get("b")).getPdqHash(), 3);

        String bank = "retro-" + run;
        frames.createBank(CreateBankRequest.newBuilder().setContext(gateway())
                .setBank(Bank.newBuilder().setName(bank).setCategory("violent_extremism").setDecision(Decision.REVIEW)
                        .setDescription("retroactive test")).build());
        var imported = frames.importHashes(ImportHashesRequest.newBuilder().setContext(gateway()).setBank(bank)
                .setLines(exactA + ",100,entry-a\n" + nearB + ",100,entry-b\n").build());
        assertEquals(2, imported.getAdded());

        // the first case comes alone: the second match waits for the next period
        List<Row> first = awaitCases(run, 1);
        assertEquals(1, cases(run).size(), "two cases inside one period: the rate limit did not hold");
        List<Row> both = awaitCases(run, 2);
        var targets = both.stream().map(r -> r.getString("target_id")).sorted().toList();
        assertEquals(List.of(contentId(run, "a"), contentId(run, "b")), targets, "clip C matches no entry");
        for (Row c : both) {
            assertEquals("CONTENT", c.getString("target_kind"));
            assertEquals("violent_extremism", c.getString("category"));
            assertEquals("AUTOMATED", c.getString("source"));
            assertEquals("owner-" + c.getString("target_id").substring(c.getString("target_id").length() - 1), c.getString("owner_account"));
        }
        assertTrue(first.get(0).getOffsetDateTime("created_at").plusSeconds(5).isBefore(
                both.stream().map(r -> r.getOffsetDateTime("created_at")).max(java.util.Comparator.naturalOrder()).orElseThrow()),
                "the second case was opened at least a period after the first");
    }

    private static RequestContext gateway() {
        return RequestContext.newBuilder().setActor("gateway-service").setCorrelationId("retro-admin").build();
    }

    private static String contentId(String run, String clip) {
        return "retro-" + run + "-" + clip;
    }

    private List<Row> cases(String run) {
        List<Row> out = new ArrayList<>();
        pool.preparedQuery("select target_id, target_kind, category, source, owner_account, created_at from report_case where target_id like $1")
                .execute(Tuple.of("retro-" + run + "-%")).await().atMost(Duration.ofSeconds(10)).forEach(out::add);
        return out;
    }

    private List<Row> awaitCases(String run, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<Row> found = cases(run);
            if (found.size() >= count) {
                return found;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(count + " retroactive cases not opened within " + WAIT + ": " + cases(run).size());
    }

    /** The frame a bank would take: the highest PDQ quality. */
    private static FrameFinding bestFrame(ClassifyVideoResponse r) {
        return r.getFramesList().stream().max(java.util.Comparator.comparingInt(FrameFinding::getPdqQuality)).orElseThrow();
    }

    private static String flipBits(String hex, int bits) {
        java.math.BigInteger value = new java.math.BigInteger(hex, 16);
        for (int i = 0; i < bits; i++) {
            value = value.flipBit(17 + 40 * i);
        }
        return String.format("%64s", value.toString(16)).replace(' ', '0');
    }

    private static byte[] clip(String lavfi) throws Exception {
        Path file = Files.createTempFile("retro-", ".mp4");
        try {
            Process p = new ProcessBuilder("ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", lavfi, "-t", "2", "-c:v", "libx264",
                    "-pix_fmt", "yuv420p", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
            return Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
