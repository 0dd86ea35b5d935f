package io.safeframe.report.label;

import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.LabelItemRequest;
import io.safeframe.api.v1.LabellingItem;
import io.safeframe.api.v1.LabellingList;
import io.safeframe.api.v1.LabellingListRequest;
import io.safeframe.api.v1.LabellingOffer;
import io.safeframe.api.v1.LabellingOfferResult;
import io.safeframe.api.v1.Verdict;
import io.safeframe.report.Refusal;
import io.safeframe.report.dataset.Scrubber;
import io.safeframe.report.enforcement.Outbox;
import io.safeframe.report.intake.ReportIntake;
import io.safeframe.report.queue.CaseRows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Active learning's queue: prompts the guard was least sure of, waiting for a human label. What goes in is decided
 * here, not by the caller: only an adult account that consented to training use, one item per near-duplicate, at most a few
 * per account a day (no single account shapes the model) and a bounded queue (moderators label the least sure first,
 * an overflow is dropped, not stored). The text is scrubbed before it is stored.
 */
@ApplicationScoped
public class LabellingQueue {

    private final Pool pool;
    private final Labels labels;
    private final Outbox outbox;
    private final int maxPending;
    private final int perAccountPerDay;
    private final Scrubber scrubber = Scrubber.bundled();

    public LabellingQueue(Pool pool, Labels labels, Outbox outbox,
            @ConfigProperty(name = "safeframe.labelling.max-pending") int maxPending,
            @ConfigProperty(name = "safeframe.labelling.per-account-per-day") int perAccountPerDay) {
        this.pool = pool;
        this.labels = labels;
        this.outbox = outbox;
        this.maxPending = maxPending;
        this.perAccountPerDay = perAccountPerDay;
    }

    public Uni<LabellingOfferResult> offer(LabellingOffer offer) {
        String account = Refusal.requireText(offer.getContext().getAccountId(), "context.account_id", 200);
        String prompt = scrubber.scrub(Refusal.requireText(offer.getPromptText(), "prompt_text", 4000));
        if (!offer.hasVerdict() || !Double.isFinite(offer.getReviewMargin()) || offer.getReviewMargin() < 0) {
            throw Refusal.invalid("a verdict and a finite, non-negative review_margin are required");
        }
        if (offer.getContext().getAgeBand() == io.safeframe.api.v1.AgeBand.AGE_BAND_TEEN) {
            // a minor's prompt never becomes training data, whatever the account's setting says
            return Uni.createFrom().item(notQueued("prompts of teen accounts are never sampled"));
        }
        Verdict v = offer.getVerdict();
        String category = v.getCategoriesCount() == 0 ? "none" : v.getCategories(0).getCategory();
        return pool.withTransaction(conn -> ReportIntake.lock(conn, "labelling-queue")
                .chain(() -> conn.preparedQuery("""
                        select coalesce((select training_use from account_setting where account = $1), false) as consent,
                               (select count(*) from labelling_item where account = $1 and offered_at > now() - interval '1 day') as today,
                               (select count(*) from labelling_item where state = 'PENDING') as pending""")
                        .execute(Tuple.of(account)))
                .chain(rows -> {
                    Row r = rows.iterator().next();
                    if (!r.getBoolean("consent")) {
                        return Uni.createFrom().item(notQueued("the account has not consented to training use"));
                    }
                    if (r.getLong("today") >= perAccountPerDay) {
                        return Uni.createFrom().item(notQueued("the account's daily share of the queue is used"));
                    }
                    if (r.getLong("pending") >= maxPending) {
                        return Uni.createFrom().item(notQueued("the queue is full"));
                    }
                    UUID id = UUID.randomUUID();
                    return conn.preparedQuery("""
                            insert into labelling_item (item_id, account, prompt_text, signature, machine_decision, category, review_margin,
                                policy_version, state, offered_at)
                            values ($1, $2, $3, $4, $5, $6, $7, $8, 'PENDING', now()) on conflict (signature) do nothing returning item_id""")
                            .execute(Tuple.from(new Object[] { id, account, prompt, offer.getNearDuplicateSignature(), v.getDecision().name(),
                                    category, offer.getReviewMargin(), v.getPolicyVersion().isEmpty() ? null : v.getPolicyVersion() }))
                            .map(inserted -> inserted.size() == 0 ? notQueued("a near-identical prompt is already queued or labelled")
                                    : LabellingOfferResult.newBuilder().setQueued(true).setItemId(id.toString()).build());
                }));
    }

    private static LabellingOfferResult notQueued(String reason) {
        return LabellingOfferResult.newBuilder().setQueued(false).setReason(reason).build();
    }

    /** Pending items, least sure first. */
    public Uni<LabellingList> pending(LabellingListRequest request) {
        if (request.getLimit() < 0 || request.getLimit() > 200) {
            throw Refusal.invalid("limit must be between 1 and 200 (0 = 50)");
        }
        int limit = request.getLimit() == 0 ? 50 : request.getLimit();
        return pool.preparedQuery("select * from labelling_item where state = 'PENDING' order by review_margin, offered_at limit $1")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    LabellingList.Builder out = LabellingList.newBuilder();
                    rows.forEach(r -> out.addItems(item(r)));
                    return out.build();
                });
    }

    /** A moderator's label: the item leaves the queue and a safety label (source labelling) is written, in one transaction. */
    public Uni<LabellingItem> label(LabelItemRequest request) {
        String moderator = Refusal.requireText(request.getContext().getActor(), "context.actor", 200);
        UUID id;
        try {
            id = UUID.fromString(request.getItemId());
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("item_id is not a UUID");
        }
        boolean unsafe = request.getLabel().equals("unsafe");
        if (!unsafe && !request.getLabel().equals("safe")) {
            throw Refusal.invalid("label must be unsafe or safe");
        }
        if (unsafe && !request.getCategory().matches("[a-z][a-z0-9_]{1,63}")) {
            throw Refusal.invalid("an unsafe label needs the category the prompt falls under");
        }
        if (request.getNote().length() > 2000) {
            throw Refusal.invalid("note is longer than 2000 characters");
        }
        String note = request.getNote().isBlank() ? "labelled in the labelling queue" : scrubber.scrub(request.getNote());
        return pool.withTransaction(conn -> conn.preparedQuery("""
                update labelling_item set state = 'LABELLED', label = $2, label_category = $3, labelled_by = $4, labelled_at = now()
                where item_id = $1 and state = 'PENDING' returning *""")
                .execute(Tuple.of(id, request.getLabel(), unsafe ? request.getCategory() : null, moderator))
                .chain(rows -> rows.size() == 0 ? missingOrDone(conn, id) : Uni.createFrom().item(rows.iterator().next()))
                .call(item -> labels.labelled(conn, item, unsafe ? request.getCategory() : item.getString("category"), unsafe, note, moderator))
                .call(item -> outbox.audit(conn, request.getContext(), item.getString("account"), "labelling.labelled", "labelling:" + id,
                        Decision.ALLOW, "labelled " + request.getLabel(), Map.of("label", request.getLabel(),
                                "category", unsafe ? request.getCategory() : "", "machine_decision", item.getString("machine_decision")))))
                .map(LabellingQueue::item);
    }

    private static Uni<Row> missingOrDone(SqlConnection conn, UUID id) {
        return conn.preparedQuery("select state from labelling_item where item_id = $1").execute(Tuple.of(id))
                .map(rows -> {
                    throw rows.size() == 0 ? Refusal.notFound("no labelling item " + id) : Refusal.conflict("item " + id + " is already labelled");
                });
    }

    public static LabellingItem item(Row r) {
        LabellingItem.Builder b = LabellingItem.newBuilder().setItemId(r.getUUID("item_id").toString()).setPromptText(r.getString("prompt_text"))
                .setMachineDecision(r.getString("machine_decision")).setCategory(r.getString("category"))
                .setReviewMargin(r.getDouble("review_margin")).setState(r.getString("state"))
                .setOfferedAt(CaseRows.text(r.getOffsetDateTime("offered_at")));
        if (r.getString("policy_version") != null) {
            b.setPolicyVersion(r.getString("policy_version"));
        }
        if (r.getString("label") != null) {
            b.setLabel(r.getString("label")).setLabelledBy(r.getString("labelled_by"));
        }
        if (r.getString("label_category") != null) {
            b.setLabelCategory(r.getString("label_category"));
        }
        return b.build();
    }
}
