package io.safeframe.frames.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.ClassifyVideoResponse;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.Fixture;
import io.safeframe.api.v1.GenerateRequest;
import io.safeframe.api.v1.VideoGeneratorGrpc;
import io.safeframe.frames.classify.VideoClassifier;
import io.safeframe.testing.GeneratorServiceProcess;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.IdentityChannels;
import jakarta.inject.Inject;

/**
 * The on-demand video moderation evaluation (tools/video-eval/run; tagged bench, never part of the test command):
 * every row of tools/video-eval/texts.jsonl becomes a clip from the real generator process (caption or narration
 * as a fixture, under a benign prompt), classified in-process so each stage's time can be read. Prints recall and
 * false-positive rate per modality and the cost of OCR and ASR per clip-second; writes target/video-eval.json.
 */
@Tag("bench")
@QuarkusTest
@QuarkusTestResource(GuardServiceProcess.class)
@QuarkusTestResource(value = GeneratorServiceProcess.class, restrictToAnnotatedClass = true)
class VideoModerationEval {

    @Inject
    VideoClassifier classifier;

    @Test
    void evaluate() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("../tools/video-eval/texts.jsonl"))) {
            if (!line.isBlank()) {
                rows.add(json.readTree(line));
            }
        }
        ManagedChannel channel = IdentityChannels.as("gateway-service", GeneratorServiceProcess.PORT + 400);
        var generator = VideoGeneratorGrpc.newBlockingStub(channel);
        Map<String, int[]> counts = new LinkedHashMap<>(); // kind/label → flagged, blocked, total
        double ocrSeconds = 0, asrSeconds = 0, audioSeconds = 0, totalSeconds = 0, clipSeconds = 0, speechClipSeconds = 0;
        int ocrFrames = 0;
        ArrayNode out = json.createArrayNode();
        for (JsonNode row : rows) {
            String kind = row.path("kind").asText();
            Fixture.Builder fixture = Fixture.newBuilder();
            int seconds = 3;
            if (kind.equals("caption")) {
                fixture.setCaption(row.path("text").asText());
            } else if (kind.equals("narration")) {
                fixture.setNarration(row.path("text").asText());
                seconds = 7;
            }
            byte[] clip = generator.generate(GenerateRequest.newBuilder().setPrompt(row.path("prompt").asText()).setDurationSeconds(seconds)
                    .setAspect("16:9").setFixture(fixture).build()).getVideo().toByteArray();
            ClassifyVideoResponse r = classifier.classifyVideo(clip, row.path("id").asText());
            VideoClassifier.Costs c = classifier.lastCosts();
            Decision d = r.getVerdict().getDecision();
            int[] n = counts.computeIfAbsent(kind + "/" + row.path("label").asText(), k -> new int[3]);
            n[0] += d == Decision.ALLOW ? 0 : 1;
            n[1] += d == Decision.BLOCK ? 1 : 0;
            n[2]++;
            ocrSeconds += c.ocrNanos() / 1e9;
            ocrFrames += c.ocrFrames();
            asrSeconds += c.asrNanos() / 1e9;
            audioSeconds += c.audioDecodeNanos() / 1e9;
            totalSeconds += c.totalNanos() / 1e9;
            clipSeconds += seconds;
            speechClipSeconds += kind.equals("narration") ? seconds : 0;
            StringBuilder read = new StringBuilder();
            r.getTextsList().forEach(t -> read.append(t.getModality()).append(": ").append(t.getText()).append(" | "));
            out.addObject().put("id", row.path("id").asText()).put("decision", d.name()).put("rule", r.getVerdict().getRuleId())
                    .put("text", row.path("text").asText()).put("read", read.toString()).put("audio", r.getAudio());
            System.out.printf(Locale.ROOT, "%-22s %-6s %-40s %s%n", row.path("id").asText(), d, r.getVerdict().getRuleId(), read);
        }
        channel.shutdownNow();
        Files.writeString(Path.of("target/video-eval.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        System.out.println("\nmodality   | unsafe flagged (recall) | unsafe blocked | safe flagged (FPR)");
        for (String kind : List.of("caption", "narration", "plain")) {
            int[] u = counts.getOrDefault(kind + "/unsafe", new int[3]);
            int[] s = counts.getOrDefault(kind + "/safe", new int[3]);
            System.out.printf(Locale.ROOT, "%-10s | %d/%d = %.2f | %d/%d | %d/%d = %.2f%n", kind, u[0], u[2], u[2] == 0 ? 0.0 : u[0] / (double) u[2],
                    u[1], u[2], s[0], s[2], s[2] == 0 ? 0.0 : s[0] / (double) s[2]);
        }
        System.out.printf(Locale.ROOT, "cost per clip-second: OCR %.3f s (%d frames read over %.0f clip-s), audio decode %.3f s, ASR %.3f s "
                + "(per second of narrated clip: %.3f s), whole classification %.3f s%n", ocrSeconds / clipSeconds, ocrFrames, clipSeconds,
                audioSeconds / clipSeconds, asrSeconds / clipSeconds, speechClipSeconds == 0 ? 0 : asrSeconds / speechClipSeconds,
                totalSeconds / clipSeconds);
    }
}
