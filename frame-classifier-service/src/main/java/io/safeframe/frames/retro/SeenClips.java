package io.safeframe.frames.retro;

import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.safeframe.api.v1.ClassifyVideoResponse;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.frames.bank.HashBanks;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Remembers the frame hashes of every clip that may be published (the classifier did not block it), for the
 * retroactive window, so a hash added to a bank later can still find it ({@link RetroactiveMatcher}).
 * Frames under the banks' minimum PDQ quality are left out for the reason banks skip them: flat or near-flat frames
 * all hash alike and would match anything.
 */
@ApplicationScoped
public class SeenClips {

    private static final Logger LOG = Logger.getLogger(SeenClips.class);

    private final Pool pool;
    private final RetroSettings settings;

    public SeenClips(Pool pool, RetroSettings settings) {
        this.pool = pool;
        this.settings = settings;
    }

    /**
     * Records the clip's frames when it has a content id and was not blocked. A failure to record weakens only a later
     * retroactive check, never this verdict, so it is logged and the verdict goes out.
     */
    public Uni<Void> record(RequestContext ctx, String contentId, ClassifyVideoResponse classified) {
        if (contentId.isBlank() || classified.getVerdict().getDecision() == Decision.BLOCK) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = classified.getFramesList().stream().filter(f -> f.getPdqQuality() >= HashBanks.MIN_QUALITY)
                .map(f -> Tuple.of(contentId, ctx.getAccountId(), f.getTimestampMs(), f.getPdqHash())).toList();
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("""
                insert into seen_frame (content_id, owner_account, frame_ms, hash) values ($1, $2, $3, ('x' || $4)::bit(256))
                on conflict (content_id, frame_ms) do nothing""").executeBatch(rows).replaceWithVoid()
                .onFailure().recoverWithUni(f -> {
                    LOG.warnf("frames of %s not kept for retroactive checks: %s", contentId, f.toString());
                    return Uni.createFrom().voidItem();
                });
    }

    /** Hashes older than the window are of no further use and are deleted. */
    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> forgetOld() {
        return pool.preparedQuery("delete from seen_frame where seen_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of((double) settings.window().toSeconds())).replaceWithVoid()
                .onFailure().invoke(f -> LOG.warnf("old frame hashes not deleted: %s", f.toString())).onFailure().recoverWithNull();
    }
}
