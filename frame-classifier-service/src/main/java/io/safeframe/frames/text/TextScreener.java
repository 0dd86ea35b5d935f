package io.safeframe.frames.text;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.safeframe.api.v1.PromptGuardGrpc;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ScreenBatchRequest;
import io.safeframe.api.v1.ScreenBatchResponse;
import io.safeframe.api.v1.Verdict;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Text read from a clip goes to prompt-guard's ScreenBatch — one home for what text is unsafe, whether a user typed
 * it or a generator drew or spoke it. Each line is screened, and per modality the whole read text as well (a caption
 * split over lines, or a sentence the recogniser cut at a pause, keeps its meaning only together).
 * prompt-guard not answering fails the classification ({@link Unavailable}): unscreened text is never an ALLOW.
 */
@ApplicationScoped
public class TextScreener {

    /** prompt-guard takes 256 texts per batch and 20 000 characters per text. */
    static final int MAX_TEXTS = 200;
    static final int MAX_CHARS = 4000;
    static final long DEADLINE_SECONDS = 20;

    public record Screened(TextLine line, Verdict verdict) {
    }

    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }
    }

    @GrpcClient("guard")
    PromptGuardGrpc.PromptGuardBlockingStub guard;

    public List<Screened> screen(List<TextLine> lines, String correlationId) throws Unavailable {
        List<TextLine> texts = withWholeTexts(lines);
        if (texts.isEmpty()) {
            return List.of();
        }
        ScreenBatchRequest.Builder request = ScreenBatchRequest.newBuilder()
                .setContext(RequestContext.newBuilder().setActor("frame-classifier-service").setCorrelationId(correlationId));
        texts.forEach(t -> request.addTexts(t.text().length() > MAX_CHARS ? t.text().substring(0, MAX_CHARS) : t.text()));
        ScreenBatchResponse response;
        try {
            response = guard.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).screenBatch(request.build());
        } catch (StatusRuntimeException e) {
            throw new Unavailable("prompt-guard did not screen the clip's text: " + e.getStatus().getCode());
        }
        if (response.getResultsCount() != texts.size()) {
            throw new Unavailable("prompt-guard answered " + response.getResultsCount() + " of " + texts.size() + " texts");
        }
        List<Screened> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            out.add(new Screened(texts.get(i), response.getResults(i).getVerdict()));
        }
        return out;
    }

    /** The lines, then per modality with more than one line the whole text in time order (no region: it spans several). */
    static List<TextLine> withWholeTexts(List<TextLine> lines) {
        List<TextLine> out = new ArrayList<>(lines.stream().filter(l -> !l.text().isBlank()).limit(MAX_TEXTS - 2).toList());
        for (String modality : List.of(TextLine.OCR, TextLine.SPEECH)) {
            List<TextLine> of = out.stream().filter(l -> l.modality().equals(modality))
                    .sorted(java.util.Comparator.comparingLong(TextLine::startMs)).toList();
            if (of.size() > 1) {
                out.add(new TextLine(modality, of.stream().map(TextLine::text).collect(Collectors.joining(" ")),
                        of.get(0).startMs(), of.stream().mapToLong(TextLine::endMs).max().orElse(0), Box.NONE));
            }
        }
        return out;
    }
}
