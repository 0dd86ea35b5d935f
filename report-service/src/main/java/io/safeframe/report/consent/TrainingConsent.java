package io.safeframe.report.consent;

import java.util.Map;

import io.safeframe.api.v1.AccountSettings;
import io.safeframe.api.v1.Decision;
import io.safeframe.report.Refusal;
import io.safeframe.report.enforcement.Outbox;
import io.safeframe.report.queue.CaseRows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether an account lets its labelled items be used in training datasets. Kept here, next to the labels the dataset
 * export reads, so the export joins on it in one query and can never miss a withdrawal. No row means no consent.
 */
@ApplicationScoped
public class TrainingConsent {

    private final Pool pool;
    private final Outbox outbox;

    public TrainingConsent(Pool pool, Outbox outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    public Uni<AccountSettings> get(String account) {
        return pool.preparedQuery("select * from account_setting where account = $1").execute(Tuple.of(account))
                .map(rows -> {
                    AccountSettings.Builder b = AccountSettings.newBuilder().setAccountId(account).setTrainingUse(false);
                    rows.forEach(r -> b.setTrainingUse(r.getBoolean("training_use")).setUpdatedAt(CaseRows.text(r.getOffsetDateTime("updated_at"))));
                    return b.build();
                });
    }

    /** The account's own choice (context.account_id); audited, since it decides what leaves for training. */
    public Uni<AccountSettings> put(AccountSettings request) {
        String account = Refusal.requireText(request.getContext().getAccountId(), "context.account_id", 200);
        if (!request.getAccountId().isEmpty() && !request.getAccountId().equals(account)) {
            throw Refusal.forbidden("an account changes its own settings only");
        }
        return pool.withTransaction(conn -> conn.preparedQuery("""
                insert into account_setting (account, training_use, updated_at) values ($1, $2, now())
                on conflict (account) do update set training_use = excluded.training_use, updated_at = now()""")
                .execute(Tuple.of(account, request.getTrainingUse()))
                .chain(() -> outbox.audit(conn, request.getContext(), account, "settings.training_use", account,
                        Decision.ALLOW, request.getTrainingUse() ? "training use allowed" : "training use withdrawn",
                        Map.of("training_use", Boolean.toString(request.getTrainingUse())))))
                .chain(() -> get(account));
    }
}
