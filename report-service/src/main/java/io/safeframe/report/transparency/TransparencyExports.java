package io.safeframe.report.transparency;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import io.safeframe.api.v1.TransparencyRequest;
import io.safeframe.report.Refusal;
import io.safeframe.report.config.ReportSettings;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * DSA transparency: statements of reasons in the field layout of the EU DSA Transparency Database API
 * (https://transparency.dsa.ec.europa.eu/page/api-documentation — field and enum names from there), and the
 * aggregate report Art. 15 and 24 ask for. NO_ACTION decisions restrict nothing, so they are counted in the
 * report but are not statements of reasons.
 */
@ApplicationScoped
public class TransparencyExports {

    private final Pool pool;
    private final ReportSettings settings;

    public TransparencyExports(Pool pool, ReportSettings settings) {
        this.pool = pool;
        this.settings = settings;
    }

    public record Range(OffsetDateTime from, OffsetDateTime to) {
    }

    public static Range range(TransparencyRequest request) {
        try {
            OffsetDateTime from = request.getFrom().isEmpty() ? OffsetDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC)
                    : OffsetDateTime.ofInstant(Instant.parse(request.getFrom()), ZoneOffset.UTC);
            OffsetDateTime to = request.getTo().isEmpty() ? OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(1)
                    : OffsetDateTime.ofInstant(Instant.parse(request.getTo()), ZoneOffset.UTC);
            if (!from.isBefore(to)) {
                throw Refusal.invalid("from must be before to");
            }
            return new Range(from, to);
        } catch (DateTimeParseException e) {
            throw Refusal.invalid("from/to must be ISO-8601 instants such as 2026-01-01T00:00:00Z");
        }
    }

    public Multi<String> statements(Range range) {
        return pool.preparedQuery("""
                select * from decision where decided_at >= $1 and decided_at < $2 and action <> 'NO_ACTION' order by decided_at, decision_id""")
                .execute(Tuple.of(range.from(), range.to()))
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .map(r -> statement(r).encode());
    }

    JsonObject statement(Row d) {
        JsonObject sor = d.getJsonObject("statement");
        String action = d.getString("action");
        String escalated = d.getString("escalated_to");
        boolean illegal = "ILLEGAL_CONTENT".equals(sor.getString("ground_type"));
        JsonArray visibility = new JsonArray();
        if ("REMOVE_CONTENT".equals(action)) {
            visibility.add("DECISION_VISIBILITY_CONTENT_REMOVED");
        } else if ("AGE_RESTRICT".equals(action)) {
            visibility.add("DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED");
        }
        String account = "BAN_ACCOUNT".equals(action) ? "DECISION_ACCOUNT_TERMINATED"
                : "SUSPEND_ACCOUNT".equals(action) || escalated != null ? "DECISION_ACCOUNT_SUSPENDED" : null;
        long suspension = "SUSPEND_ACCOUNT".equals(action) ? d.getLong("suspension_seconds")
                : escalated != null ? settings.strikes().suspension().toSeconds() : 0;
        String source = switch (d.getString("source")) {
            case "NOTICE" -> "SOURCE_ARTICLE_16";
            case "TRUSTED_FLAGGER" -> "SOURCE_TRUSTED_FLAGGER";
            default -> "SOURCE_VOLUNTARY";
        };
        String contentType = switch (d.getString("target_kind")) {
            case "CONTENT" -> "CONTENT_TYPE_VIDEO";
            case "PROMPT" -> "CONTENT_TYPE_TEXT";
            default -> "CONTENT_TYPE_OTHER";
        };
        OffsetDateTime decided = d.getOffsetDateTime("decided_at");
        JsonObject out = new JsonObject()
                .put("puid", d.getUUID("decision_id").toString())
                .put("decision_visibility", visibility)
                .put("decision_monetary", null)
                .put("decision_provision", null)
                .put("decision_account", account)
                .put("account_type", "ACCOUNT_TYPE_PRIVATE")
                .put("decision_ground", illegal ? "DECISION_GROUND_ILLEGAL_CONTENT" : "DECISION_GROUND_INCOMPATIBLE_CONTENT")
                .put("category", settings.category(d.getString("category")) == null ? "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"
                        : settings.category(d.getString("category")).dsaCategory())
                .put("category_specification_other", d.getString("category"))
                .put("content_type", new JsonArray().add(contentType))
                .put("content_date", d.getOffsetDateTime("case_created_at").toLocalDate().toString())
                .put("application_date", decided.toLocalDate().toString())
                .put("decision_facts", sor.getString("facts"))
                .put("source_type", source)
                .put("automated_detection", d.getBoolean("automated_detection") ? "Yes" : "No")
                .put("automated_decision", d.getBoolean("automated_decision") ? "AUTOMATED_DECISION_FULLY" : "AUTOMATED_DECISION_NOT_AUTOMATED");
        if (illegal) {
            out.put("illegal_content_legal_ground", sor.getString("ground")).put("illegal_content_explanation", sor.getString("facts"));
        } else {
            out.put("incompatible_content_ground", sor.getString("ground"))
                    .put("incompatible_content_explanation", sor.getString("facts")).put("incompatible_content_illegal", "No");
        }
        if (suspension > 0) {
            out.put("end_date_account_restriction", decided.plusSeconds(suspension).toLocalDate().toString());
        }
        return out;
    }

    public Uni<String> report(Range range) {
        Tuple window = Tuple.of(range.from(), range.to());
        JsonObject out = new JsonObject().put("platform", settings.platformName().orElse("Safeframe"))
                .put("from", range.from().toInstant().toString()).put("to", range.to().toInstant().toString());
        return pool.preparedQuery("select count(*) as n from report where created_at >= $1 and created_at < $2").execute(window)
                .invoke(rows -> out.put("notices_received", rows.iterator().next().getLong("n")))
                .chain(() -> counts("category", window)).invoke(j -> out.put("decisions_by_category", j))
                .chain(() -> counts("action", window)).invoke(j -> out.put("decisions_by_action", j))
                .chain(() -> counts("source", window)).invoke(j -> out.put("decisions_by_detection_source", j))
                .chain(() -> counts("case when automated_detection then 'automated' else 'human' end", window))
                .invoke(j -> out.put("decisions_by_detection_means", j))
                .chain(() -> pool.preparedQuery("""
                        select count(*) as n,
                               percentile_cont(0.5) within group (order by extract(epoch from decided_at - case_created_at)) as median
                        from decision where decided_at >= $1 and decided_at < $2 and action <> 'NO_ACTION'""").execute(window))
                .invoke(rows -> {
                    Row r = rows.iterator().next();
                    out.put("actions_taken", r.getLong("n")).put("median_time_to_action_seconds", r.getDouble("median"));
                })
                .chain(() -> pool.preparedQuery("""
                        select state, count(*) as n,
                               percentile_cont(0.5) within group (order by extract(epoch from resolved_at - filed_at)) as median
                        from appeal where filed_at >= $1 and filed_at < $2 group by state""").execute(window))
                .map(rows -> {
                    JsonObject appeals = new JsonObject().put("PENDING", 0L).put("UPHELD", 0L).put("REVERSED", 0L);
                    JsonObject medians = new JsonObject();
                    rows.forEach(r -> {
                        appeals.put(r.getString("state"), r.getLong("n"));
                        if (r.getDouble("median") != null) {
                            medians.put(r.getString("state"), r.getDouble("median"));
                        }
                    });
                    return out.put("appeals", appeals).put("median_appeal_resolution_seconds", medians).encodePrettily();
                });
    }

    private Uni<JsonObject> counts(String column, Tuple window) {
        // column is one of the fixed expressions above, never input
        return pool.preparedQuery("select " + column + " as k, count(*) as n from decision where decided_at >= $1 and decided_at < $2 group by 1 order by 1")
                .execute(window).map(rows -> {
                    JsonObject j = new JsonObject();
                    rows.forEach(r -> j.put(r.getString("k"), r.getLong("n")));
                    return j;
                });
    }
}
