package io.safeframe.frames;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.safeframe.api.v1.Bank;
import io.safeframe.api.v1.BankList;
import io.safeframe.api.v1.BankMatch;
import io.safeframe.api.v1.BankRef;
import io.safeframe.api.v1.BanksRequest;
import io.safeframe.api.v1.ClassifyFramesRequest;
import io.safeframe.api.v1.ClassifyFramesResponse;
import io.safeframe.api.v1.ClassifyVideoRequest;
import io.safeframe.api.v1.ClassifyVideoResponse;
import io.safeframe.api.v1.CreateBankRequest;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.DescribeFacesRequest;
import io.safeframe.api.v1.DescribeFacesResponse;
import io.safeframe.api.v1.FrameClassifier;
import io.safeframe.api.v1.HashLine;
import io.safeframe.api.v1.ImportHashesRequest;
import io.safeframe.api.v1.ImportResult;
import io.safeframe.api.v1.MatchHashRequest;
import io.safeframe.api.v1.MatchList;
import io.safeframe.api.v1.RemoveHashRequest;
import io.safeframe.frames.bank.HashBanks;
import io.safeframe.frames.classify.FrameAnalyzer;
import io.safeframe.frames.classify.VideoClassifier;
import io.safeframe.frames.faces.FaceSearch;
import io.safeframe.frames.media.Ffmpeg;
import io.safeframe.frames.media.MediaException;
import io.safeframe.frames.media.MediaInfo;
import io.safeframe.frames.media.MediaLimits;
import io.safeframe.frames.pdq.Pdq;
import io.safeframe.frames.pdq.PdqHash;
import io.safeframe.frames.retro.SeenClips;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The gRPC edge. Decoding and inference are CPU work and run on a fixed pool of media workers, never on the event
 * loop: each analysis holds decoded frames and model activations in the heap, so the number running at once is what
 * bounds memory (unbounded, a burst of concurrent clips ran a 256 MB heap out of memory). Work beyond the queue is
 * UNAVAILABLE (transient overload: callers retry with back-off).
 * Media we cannot or will not decode is INVALID_ARGUMENT with ffmpeg's reason; it never becomes ALLOW.
 */
@GrpcService
public class FrameClassifierGrpcService implements FrameClassifier {

    private final VideoClassifier classifier;
    private final HashBanks banks;
    private final java.util.concurrent.ExecutorService mediaWorkers;
    private final VerdictMetrics metrics;
    private final FaceSearch faces;
    private final SeenClips seen;

    private final io.safeframe.frames.retro.AccountErasure erasure;

    public FrameClassifierGrpcService(VideoClassifier classifier, HashBanks banks, VerdictMetrics metrics, FaceSearch faces, SeenClips seen,
            io.safeframe.frames.retro.AccountErasure erasure,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "safeframe.media.concurrent-analyses", defaultValue = "2") int concurrent,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "safeframe.media.queued-analyses", defaultValue = "32") int queued) {
        this.erasure = erasure;
        this.classifier = classifier;
        this.banks = banks;
        this.metrics = metrics;
        this.faces = faces;
        this.seen = seen;
        this.mediaWorkers = io.safeframe.media.MediaWorkers.bounded("media-analysis", concurrent, queued);
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        mediaWorkers.shutdownNow();
    }

    private interface MediaWork<T> {
        T run() throws MediaException, java.io.IOException, io.safeframe.frames.text.TextScreener.Unavailable;
    }

    private <T> Uni<T> onWorker(MediaWork<T> work) {
        return Uni.createFrom().item((Supplier<T>) () -> {
            try {
                return work.run();
            } catch (MediaException e) {
                throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
            } catch (java.io.IOException e) {
                throw Status.INTERNAL.withDescription("staging the media failed").asRuntimeException();
            } catch (io.safeframe.frames.text.TextScreener.Unavailable e) {
                // text read from the clip could not be screened: transient, never an ALLOW (callers retry with back-off)
                throw Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
            } catch (io.safeframe.frames.policy.ClassifierPolicyHolder.NoPolicy e) {
                // no rules yet (a new instance whose policy store has not answered): refused, never judged without them
                throw Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
            }
        }).runSubscriptionOn(mediaWorkers)
                .onFailure(java.util.concurrent.RejectedExecutionException.class)
                .transform(f -> Status.UNAVAILABLE.withDescription("too many analyses queued; retry shortly").asRuntimeException());
    }

    @Override
    public Uni<ClassifyVideoResponse> classifyVideo(ClassifyVideoRequest request) {
        // from the request's arrival: the wait for a media worker is part of the caller's time to verdict
        long start = System.nanoTime();
        return onWorker(() -> classifier.classifyVideo(request.getVideo().toByteArray(),
                request.getContext().getCorrelationId()))
                .invoke(r -> metrics.classified(r.getVerdict(), r.getFramesList(), start))
                // kept for the retroactive window: a hash added to a bank later still finds this clip
                .call(r -> seen.record(request.getContext(), request.getContentId(), r));
    }

    @Override
    public Uni<io.safeframe.api.v1.ErasureResult> eraseAccount(io.safeframe.api.v1.EraseAccountRequest request) {
        String account = request.getAccountId().strip();
        if (account.isEmpty() || account.length() > 256) {
            throw io.grpc.Status.INVALID_ARGUMENT.withDescription("account_id is required (at most 256 characters)").asRuntimeException();
        }
        return erasure.erase(account);
    }

    @Override
    public Uni<ClassifyFramesResponse> classifyFrames(ClassifyFramesRequest request) {
        long start = System.nanoTime();
        return onWorker(() -> classifier.classifyFrames(request.getFramesList().stream()
                .map(f -> new VideoClassifier.TimedImage(f.getImage().toByteArray(), f.getTimestampMs())).toList()))
                .invoke(r -> metrics.classified(r.getVerdict(), r.getFramesList(), start));
    }

    /** A classifier policy document checked with this service's own parser before the policy store takes it. */
    @Override
    public Uni<io.safeframe.api.v1.PolicyValidation> validateClassifierPolicy(io.safeframe.api.v1.ValidatePolicyRequest request) {
        try {
            io.safeframe.frames.classify.ClassifierPolicy p = io.safeframe.frames.classify.ClassifierPolicy
                    .parse(request.getPolicyJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return Uni.createFrom().item(io.safeframe.api.v1.PolicyValidation.newBuilder().setVersion(p.version())
                    .setCategories(p.categories().size()).build());
        } catch (io.safeframe.frames.classify.ClassifierPolicy.Invalid e) {
            throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
    }

    /** Descriptors are biometric data: the answer goes to the caller only (likeness-service), never into a log. */
    @Override
    public Uni<DescribeFacesResponse> describeFaces(DescribeFacesRequest request) {
        return onWorker(() -> faces.describe(request.getMedia().toByteArray(), request.getMediaType()));
    }

    @Override
    public Uni<BankList> listBanks(BanksRequest request) {
        return banks.banks().map(list -> BankList.newBuilder().addAllBanks(list.stream().map(FrameClassifierGrpcService::bank).toList())
                .setIndexedHashes(banks.indexedHashes()).build());
    }

    @Override
    public Uni<Bank> createBank(CreateBankRequest request) {
        Bank b = request.getBank();
        return guard(() -> banks.create(b.getName(), b.getCategory(), b.getDecision().name(), b.getThreshold(), b.getDescription()))
                .map(FrameClassifierGrpcService::bank);
    }

    @Override
    public Uni<ImportResult> importHashes(ImportHashesRequest request) {
        String actor = request.getContext().getActor().isBlank() ? "unknown" : request.getContext().getActor();
        return guard(() -> banks.importLines(request.getBank(), request.getLines(), actor))
                .map(r -> ImportResult.newBuilder().setAdded(r.added()).setDuplicates(r.duplicates()).setLowQualitySkipped(r.lowQuality())
                        .setBank(bank(r.bank())).build());
    }

    @Override
    public Multi<HashLine> exportHashes(BankRef request) {
        return guard(() -> banks.export(request.getBank())).onItem().transformToMulti(lines -> Multi.createFrom().iterable(lines))
                .map(line -> HashLine.newBuilder().setLine(line).build());
    }

    @Override
    public Uni<Bank> removeHash(RemoveHashRequest request) {
        return guard(() -> banks.remove(request.getBank(), request.getHash())).map(FrameClassifierGrpcService::bank);
    }

    @Override
    public Uni<MatchList> matchHash(MatchHashRequest request) {
        return onWorker(() -> {
            Pdq.Result query;
            if (!request.getImage().isEmpty()) {
                Path file = Files.createTempFile("safeframe-match-", ".bin");
                try {
                    Files.write(file, request.getImage().toByteArray());
                    Ffmpeg ffmpeg = new Ffmpeg(MediaLimits.DEFAULT);
                    MediaInfo info = ffmpeg.probe(file);
                    query = FrameAnalyzer.pdq(ffmpeg.decodeImage(file, info));
                } finally {
                    Files.deleteIfExists(file);
                }
            } else {
                try {
                    query = new Pdq.Result(PdqHash.fromHex(request.getHash().toLowerCase(java.util.Locale.ROOT)), 100);
                } catch (IllegalArgumentException e) {
                    throw new MediaException(e.getMessage());
                }
            }
            MatchList.Builder out = MatchList.newBuilder().setQueryHash(query.hash().hex()).setQueryQuality(query.quality());
            for (HashBanks.Hit h : banks.match(query.hash())) {
                out.addMatches(BankMatch.newBuilder().setBank(h.bank().name()).setCategory(h.bank().category())
                        .setDecision(Decision.valueOf(h.bank().decision())).setDistance(h.distance()).setLabel(h.label()).setHash(h.hash().hex()));
            }
            return out.build();
        });
    }

    private static <T> Uni<T> guard(Supplier<Uni<? extends T>> call) {
        return Uni.createFrom().<T>deferred(call).onFailure(HashBanks.BankError.class)
                .transform(f -> (((HashBanks.BankError) f).notFound ? Status.NOT_FOUND : Status.INVALID_ARGUMENT)
                        .withDescription(f.getMessage()).asRuntimeException());
    }

    static Bank bank(HashBanks.BankInfo b) {
        return Bank.newBuilder().setName(b.name()).setCategory(b.category()).setDecision(Decision.valueOf(b.decision()))
                .setThreshold(b.threshold()).setDescription(b.description()).setSize(b.size()).build();
    }
}
