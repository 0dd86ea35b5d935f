package io.safeframe.frames.classify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.ClassifyFramesResponse;
import io.safeframe.api.v1.ClassifyVideoResponse;
import io.safeframe.api.v1.FrameFinding;
import io.safeframe.frames.bank.HashBanks;
import io.safeframe.frames.faces.FaceAges;
import io.safeframe.frames.media.Ffmpeg;
import io.safeframe.frames.media.Frame;
import io.safeframe.frames.media.MediaException;
import io.safeframe.frames.media.MediaInfo;
import io.safeframe.frames.media.MediaLimits;
import io.safeframe.frames.model.NsfwClassifier;
import io.safeframe.frames.text.TextLine;
import io.safeframe.frames.text.TextScreener;
import io.safeframe.frames.text.ocr.OnScreenText;
import io.safeframe.frames.text.ocr.Tesseract;
import io.safeframe.frames.text.speech.Speech;
import io.safeframe.media.MediaRefused;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.Region;
import io.safeframe.api.v1.TextFinding;
import io.safeframe.api.v1.Verdict;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whole videos (and single images) end to end: decode with ffmpeg, sample frames (≈1 per second plus scene
 * cuts), analyse each as it arrives (nothing but the current frame is held), aggregate into a verdict; read the
 * text on screen (OCR where text appears or changes) and the speech of the audio track, screen both with
 * prompt-guard, and join them into the verdict ({@link ModalityVerdict}; docs/video-moderation.md).
 * Results are cached by content SHA-256, policy version and bank generation — a bank change re-evaluates.
 */
@ApplicationScoped
public class VideoClassifier {

    private static final int CACHE_SIZE = 512;

    private final Ffmpeg ffmpeg = new Ffmpeg(MediaLimits.DEFAULT);
    private final NsfwClassifier model = NsfwClassifier.fromClasspath();
    private final FaceAges faceAges = FaceAges.fromClasspath();
    private final io.safeframe.frames.policy.ClassifierPolicyHolder policies;
    private final HashBanks banks;
    private final TextScreener screener;
    private final Tesseract tesseract = new Tesseract();
    private final Speech speech = new Speech();
    /** The analyzer and aggregator of the policy in force, rebuilt when the policy changes (cheap: no model loads). */
    private record Applied(io.safeframe.frames.policy.ClassifierPolicyHolder.InForce inForce, FrameAnalyzer analyzer,
            VerdictAggregator aggregator) {

        ClassifierPolicy policy() {
            return inForce.policy();
        }

        /** What a cached verdict was made under: the store version too, since two versions may carry the same label. */
        String cacheKey() {
            return policy().version() + "@" + inForce.storeVersion();
        }
    }

    private volatile Applied applied;
    private final Map<String, ClassifyVideoResponse> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ClassifyVideoResponse> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    public VideoClassifier(HashBanks banks, TextScreener screener, io.safeframe.frames.policy.ClassifierPolicyHolder policies) {
        this.banks = banks;
        this.screener = screener;
        this.policies = policies;
    }

    /** One classification uses one policy from start to end, even when a new version arrives meanwhile. */
    private Applied applied() {
        io.safeframe.frames.policy.ClassifierPolicyHolder.InForce now = policies.inForce();
        Applied a = applied;
        if (a == null || a.inForce() != now) {
            a = new Applied(now, new FrameAnalyzer(model, faceAges, now.policy(), banks::match),
                    new VerdictAggregator(now.policy(), banks::entriesWithLabel));
            applied = a;
        }
        return a;
    }

    /** Stage times of one classification (the evaluation's cost per clip-second). */
    public record Costs(long totalNanos, FrameAnalyzer.StageTimes frames, long ocrNanos, int ocrFrames, long audioDecodeNanos, long asrNanos,
            long screenNanos) {
    }

    private volatile Costs lastCosts;

    /** The stage times of the most recent uncached classification on any thread (for the on-demand evaluation only). */
    public Costs lastCosts() {
        return lastCosts;
    }

    public ClassifyVideoResponse classifyVideo(byte[] media) throws MediaException, TextScreener.Unavailable {
        return classifyVideo(media, "");
    }

    public ClassifyVideoResponse classifyVideo(byte[] media, String correlationId) throws MediaException, TextScreener.Unavailable {
        if (media.length == 0) {
            throw new MediaException("no video bytes");
        }
        String sha = sha256(media);
        Applied policy = applied();
        FrameAnalyzer analyzer = policy.analyzer();
        String key = sha + "|" + policy.cacheKey() + "|" + banks.generation();
        synchronized (cache) {
            ClassifyVideoResponse cached = cache.get(key);
            if (cached != null) {
                return cached;
            }
        }
        long started = System.nanoTime();
        Path file = temp(media);
        try {
            MediaInfo info = ffmpeg.probe(file);
            List<FrameResult> results = new ArrayList<>();
            OnScreenText onScreen = new OnScreenText(tesseract);
            FrameAnalyzer.StageTimes times = new FrameAnalyzer.StageTimes();
            double secondsPerSample;
            if (info.image()) {
                Frame still = ffmpeg.decodeImage(file, info);
                results.add(analyzer.analyze(still, times));
                onScreen.accept(still);
                secondsPerSample = 0; // a still has no duration
            } else {
                Ffmpeg.Sampling sampling = Ffmpeg.Sampling.perSecond(info.framesPerSecond() > 0 ? info.framesPerSecond() : 25);
                ffmpeg.sampleVideo(file, info, sampling, frame -> {
                    results.add(analyzer.analyze(frame, times));
                    onScreen.accept(frame);
                });
                secondsPerSample = sampling.everyKthFrame() / (info.framesPerSecond() > 0 ? info.framesPerSecond() : 25);
            }
            Speech.Result audio = info.image() ? new Speech.Result(Speech.Status.NONE, "", List.of(), 0, 0) : transcribe(file);
            List<TextLine> lines = new ArrayList<>(onScreen.lines());
            lines.addAll(audio.segments());
            long screenStarted = System.nanoTime();
            List<TextScreener.Screened> screened = screener.screen(lines, correlationId);
            long screenNanos = System.nanoTime() - screenStarted;
            Verdict verdict = ModalityVerdict.merge(policy.aggregator().verdict(results, secondsPerSample), screened, audio);
            ClassifyVideoResponse response = ClassifyVideoResponse.newBuilder()
                    .setVerdict(verdict).addAllFrames(findings(results)).addAllTexts(texts(lines, screened)).setAudio(audio.describe())
                    .setFramesSampled(results.size()).setDurationMs(Math.round(info.durationSeconds() * 1000)).setContentSha256(sha).build();
            lastCosts = new Costs(System.nanoTime() - started, times, onScreen.ocrNanos(), onScreen.reads(), audio.decodeNanos(), audio.asrNanos(),
                    screenNanos);
            synchronized (cache) {
                cache.put(key, response);
            }
            return response;
        } finally {
            delete(file);
        }
    }

    private Speech.Result transcribe(Path file) throws MediaException {
        try {
            return speech.transcribe(file);
        } catch (MediaRefused e) {
            throw new MediaException("speech recognition unavailable: " + e.getMessage());
        }
    }

    /** Every line read, with what prompt-guard said of it (the per-modality whole texts are in the evidence only). */
    static List<TextFinding> texts(List<TextLine> lines, List<TextScreener.Screened> screened) {
        List<TextFinding> out = new ArrayList<>();
        for (TextLine line : lines) {
            TextFinding.Builder t = TextFinding.newBuilder().setModality(line.modality()).setText(line.text()).setStartMs(line.startMs())
                    .setEndMs(line.endMs()).setDecision(Decision.ALLOW);
            if (!line.box().isNone()) {
                t.setRegion(Region.newBuilder().setX(line.box().x()).setY(line.box().y()).setWidth(line.box().width()).setHeight(line.box().height()));
            }
            screened.stream().filter(s -> s.line() == line).findFirst().ifPresent(s -> t.setDecision(s.verdict().getDecision())
                    .setCategory(ModalityVerdict.topCategory(s.verdict())));
            out.add(t.build());
        }
        return out;
    }

    public record TimedImage(byte[] bytes, long timestampMs) {
    }

    public ClassifyFramesResponse classifyFrames(List<TimedImage> images) throws MediaException {
        if (images.isEmpty()) {
            throw new MediaException("no frames");
        }
        Applied policy = applied();
        List<FrameResult> results = new ArrayList<>();
        int index = 0;
        for (TimedImage image : images) {
            Path file = temp(image.bytes());
            try {
                MediaInfo info = ffmpeg.probe(file);
                if (!info.image()) {
                    throw new MediaException("frame " + index + " is not a PNG or JPEG image");
                }
                Frame f = ffmpeg.decodeImage(file, info);
                results.add(policy.analyzer().analyze(new Frame(index, image.timestampMs(), f.width(), f.height(), f.channels(), f.pixels())));
            } catch (MediaException e) {
                throw new MediaException("frame " + index + ": " + e.getMessage());
            } finally {
                delete(file);
            }
            index++;
        }
        double secondsPerSample = images.size() < 2 ? 0
                : Math.max(0.001, (images.get(images.size() - 1).timestampMs() - images.get(0).timestampMs()) / 1000.0 / (images.size() - 1));
        return ClassifyFramesResponse.newBuilder().setVerdict(policy.aggregator().verdict(results, secondsPerSample)).addAllFrames(findings(results)).build();
    }

    static List<FrameFinding> findings(List<FrameResult> results) {
        List<FrameFinding> out = new ArrayList<>();
        for (FrameResult r : results) {
            FrameFinding.Builder f = FrameFinding.newBuilder().setTimestampMs(r.timestampMs()).setFrameIndex(r.index())
                    .setPdqHash(r.hash().hex()).setPdqQuality(r.quality());
            r.scores().forEach((k, v) -> f.addScores(CategoryScore.newBuilder().setCategory(k).setScore(v)));
            if (!r.hits().isEmpty()) {
                HashBanks.Hit best = r.hits().get(0);
                f.setMatchedBank(best.bank().name()).setHammingDistance(best.distance());
            }
            out.add(f.build());
        }
        return out;
    }

    private static Path temp(byte[] bytes) throws MediaException {
        try {
            Path file = Files.createTempFile("safeframe-media-", ".bin");
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new MediaException("cannot stage the media for decoding: " + e.getMessage());
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temp file left behind is not worth failing the request
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
