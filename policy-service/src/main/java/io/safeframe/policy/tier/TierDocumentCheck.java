package io.safeframe.policy.tier;

import java.util.Map;
import java.util.TreeSet;

import io.safeframe.policy.lifecycle.DocumentCheck;
import io.safeframe.policy.lifecycle.PolicyStore.InvalidDocument;
import io.safeframe.policy.tier.TierCatalogue.UsageLimits;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A tiers draft must parse, keep the default and throttled tiers, and keep every tier an account holds: a live
 * version without one would leave those accounts with no limits (every Authorize of theirs would fail).
 */
@ApplicationScoped
public class TierDocumentCheck implements DocumentCheck {

    private final TierCatalogue catalogue;
    private final Pool pool;

    public TierDocumentCheck(TierCatalogue catalogue, Pool pool) {
        this.catalogue = catalogue;
        this.pool = pool;
    }

    @Override
    public String kind() {
        return TierCatalogue.KIND;
    }

    @Override
    public Uni<Void> check(String documentJson) {
        Map<String, UsageLimits> tiers;
        try {
            tiers = catalogue.validated(TierDocument.parse(documentJson));
        } catch (TierCatalogue.InvalidTiers e) {
            return Uni.createFrom().failure(new InvalidDocument("the tiers document is invalid: " + e.getMessage()));
        }
        return pool.query("select distinct tier from account").execute().map(rows -> {
            TreeSet<String> missing = new TreeSet<>();
            for (Row row : rows) {
                if (!tiers.containsKey(row.getString("tier"))) {
                    missing.add(row.getString("tier"));
                }
            }
            if (!missing.isEmpty()) {
                throw new InvalidDocument("the tiers document is invalid: accounts hold tiers it removes: " + missing);
            }
            return null;
        });
    }
}
