package io.safeframe.frames.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.safeframe.api.v1.Verdict;
import io.safeframe.frames.classify.ClassifierPolicy;
import io.safeframe.frames.classify.FrameAnalyzer;
import io.safeframe.frames.classify.FrameResult;
import io.safeframe.frames.classify.VerdictAggregator;
import io.safeframe.frames.faces.FaceAges;
import io.safeframe.frames.media.Ffmpeg;
import io.safeframe.frames.media.MediaException;
import io.safeframe.frames.media.MediaInfo;
import io.safeframe.frames.media.MediaLimits;
import io.safeframe.frames.model.NsfwClassifier;
import io.safeframe.frames.pdq.Pdq;

/**
 * Operators' tools, run by ./safeframe:
 *   hash FILE...     HASH,QUALITY,FILE per image (as ThreatExchange's pdq-photo-hasher prints it);
 *                    HASH,QUALITY,FILE,TIMESTAMP_MS per sampled frame of a video
 *   classify FILE    the verdict as one JSON object (classifier and policy; hash banks live in the service's database)
 */
public final class FramesCli {

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[0].equals("hash") || args[0].equals("classify"))) {
            System.err.println("usage: hash FILE... | classify FILE");
            System.exit(2);
        }
        Ffmpeg ffmpeg = new Ffmpeg(MediaLimits.DEFAULT);
        int failures = 0;
        if (args[0].equals("hash")) {
            for (int i = 1; i < args.length; i++) {
                try {
                    hash(ffmpeg, Path.of(args[i]));
                } catch (MediaException e) {
                    System.err.println(args[i] + ": " + e.getMessage());
                    failures++;
                }
            }
        } else {
            try {
                classify(ffmpeg, Path.of(args[1]));
            } catch (MediaException e) {
                System.err.println(args[1] + ": " + e.getMessage());
                failures++;
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    static void hash(Ffmpeg ffmpeg, Path file) throws MediaException {
        if (!Files.isRegularFile(file)) {
            throw new MediaException("no such file");
        }
        MediaInfo info = ffmpeg.probe(file);
        if (info.image()) {
            Pdq.Result r = FrameAnalyzer.pdq(ffmpeg.decodeImage(file, info));
            System.out.println(r.hash().hex() + "," + r.quality() + "," + file);
            return;
        }
        ffmpeg.sampleVideo(file, info, Ffmpeg.Sampling.perSecond(info.framesPerSecond() > 0 ? info.framesPerSecond() : 25), frame -> {
            Pdq.Result r = FrameAnalyzer.pdq(frame);
            System.out.println(r.hash().hex() + "," + r.quality() + "," + file + "," + frame.timestampMs());
        });
    }

    static void classify(Ffmpeg ffmpeg, Path file) throws MediaException {
        if (!Files.isRegularFile(file)) {
            throw new MediaException("no such file");
        }
        ClassifierPolicy policy = ClassifierPolicy.fromClasspath();
        FrameAnalyzer analyzer = new FrameAnalyzer(NsfwClassifier.fromClasspath(), FaceAges.fromClasspath(), policy, h -> List.of());
        MediaInfo info = ffmpeg.probe(file);
        List<FrameResult> frames = new ArrayList<>();
        double secondsPerSample = 0; // a still has no duration
        if (info.image()) {
            frames.add(analyzer.analyze(ffmpeg.decodeImage(file, info)));
        } else {
            double fps = info.framesPerSecond() > 0 ? info.framesPerSecond() : 25;
            Ffmpeg.Sampling sampling = Ffmpeg.Sampling.perSecond(fps);
            ffmpeg.sampleVideo(file, info, sampling, f -> frames.add(analyzer.analyze(f)));
            secondsPerSample = sampling.everyKthFrame() / fps;
        }
        Verdict v = new VerdictAggregator(policy, (b, l) -> 0).verdict(frames, secondsPerSample);
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode().put("file", file.toString()).put("decision", v.getDecision().name())
                .put("rule", v.getRuleId()).put("reason", v.getReason()).put("policyVersion", v.getPolicyVersion())
                .put("framesSampled", frames.size());
        ObjectNode categories = out.putObject("categories");
        v.getCategoriesList().forEach(c -> categories.put(c.getCategory(), c.getScore()));
        ArrayNode evidence = out.putArray("evidence");
        v.getEvidenceList().forEach(e -> {
            ObjectNode n = evidence.addObject().put("rule", e.getRuleId()).put("category", e.getCategory())
                    .put("timestampMs", e.getTimestampMs()).put("score", e.getScore());
            if (!e.getMatched().isEmpty()) {
                n.put("matched", e.getMatched());
            }
        });
        ArrayNode perFrame = out.putArray("frames");
        for (FrameResult f : frames) {
            ObjectNode n = perFrame.addObject().put("timestampMs", f.timestampMs()).put("pdq", f.hash().hex()).put("quality", f.quality());
            f.scores().forEach(n::put);
            if (!f.faces().isEmpty()) { // searched only on frames with a sexual signal
                ArrayNode faces = n.putArray("faces");
                f.faces().forEach(face -> faces.addObject().put("x", Math.round(face.box().x())).put("y", Math.round(face.box().y()))
                        .put("width", Math.round(face.box().width())).put("height", Math.round(face.box().height()))
                        .put("score", face.box().score()).put("apparentAge", face.age()));
            }
        }
        System.out.println(out.toString());
    }
}
