package io.safeframe.report.dataset;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import io.safeframe.api.v1.CreateDatasetRequest;
import io.safeframe.api.v1.DatasetFile;
import io.safeframe.api.v1.DatasetFileInfo;
import io.safeframe.api.v1.DatasetFileRequest;
import io.safeframe.api.v1.DatasetList;
import io.safeframe.api.v1.DatasetSnapshot;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.report.Refusal;
import io.safeframe.report.enforcement.Outbox;
import io.safeframe.report.intake.ReportIntake;
import io.safeframe.report.queue.CaseRows;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Versioned dataset snapshots for model teams (docs/safety-data.md): labels.jsonl, preferences.jsonl and a datasheet,
 * built in one transaction from the labels of accounts that consented to training use at that moment, with ids
 * pseudonymised and text scrubbed, slices under the minimum left out, the export audited. A snapshot is written once.
 */
@ApplicationScoped
public class Datasets {

    public static final String LABELS = "labels.jsonl";
    public static final String PREFERENCES = "preferences.jsonl";
    public static final String DATASHEET = "datasheet.md";
    static final String COMPLY = "[comply] The video is generated as requested.";

    private final Pool pool;
    private final DatasetSettings settings;
    private final Outbox outbox;
    private final Scrubber scrubber = Scrubber.bundled();

    public Datasets(Pool pool, DatasetSettings settings, Outbox outbox) {
        this.pool = pool;
        this.settings = settings;
        this.outbox = outbox;
    }

    public Uni<DatasetSnapshot> create(CreateDatasetRequest request) {
        RequestContext ctx = request.getContext();
        String admin = Refusal.requireText(ctx.getActor(), "context.actor", 200);
        if (request.getMinSliceCount() < 0 || request.getMinSliceCount() > 10_000) {
            throw Refusal.invalid("min_slice_count must be between 1 and 10000 (0 = the configured " + settings.minSliceCount() + ")");
        }
        int minSlice = request.getMinSliceCount() == 0 ? settings.minSliceCount() : request.getMinSliceCount();
        Pseudonyms pseudonyms = new Pseudonyms(settings.pseudonymKey()
                .orElseThrow(() -> Refusal.conflict("no pseudonym key configured (safeframe.dataset.pseudonym-key); exports are refused")));
        return pool.withTransaction(conn -> ReportIntake.lock(conn, "dataset-snapshot")
                .chain(() -> conn.query("select coalesce(max(version), 0) + 1 as next from dataset_snapshot").execute())
                .chain(next -> conn.query("""
                        select l.* from safety_label l join account_setting s on s.account = l.account and s.training_use
                        order by l.labelled_at, l.label_id""").execute()
                        .map(rows -> build(next.iterator().next().getInteger("next"), rows, pseudonyms, minSlice)))
                .call(built -> conn.preparedQuery("""
                        insert into dataset_snapshot (version, created_at, created_by, min_slice_count, labels_jsonl, preferences_jsonl, datasheet_md)
                        values ($1, now(), $2, $3, $4, $5, $6)""")
                        .execute(Tuple.from(new Object[] { built.version, admin, minSlice, built.labels, built.preferences, built.datasheet })))
                .call(built -> outbox.audit(conn, ctx, null, "dataset.exported", "dataset:" + built.version, Decision.ALLOW,
                        "dataset snapshot " + built.version + " created",
                        Map.of("labels", Integer.toString(built.labelCount), "preferences", Integer.toString(built.preferenceCount),
                                "slices_left_out", Integer.toString(built.slicesLeftOut), "min_slice_count", Integer.toString(minSlice),
                                "labels_sha256", sha256(built.labels), "preferences_sha256", sha256(built.preferences),
                                "datasheet_sha256", sha256(built.datasheet))))
                .chain(built -> conn.preparedQuery("select * from dataset_snapshot where version = $1").execute(Tuple.of(built.version))))
                .map(rows -> snapshot(rows.iterator().next()));
    }

    record Built(int version, String labels, String preferences, String datasheet, int labelCount, int preferenceCount, int slicesLeftOut) {
    }

    private Built build(int version, Iterable<Row> rows, Pseudonyms pseudonyms, int minSlice) {
        List<Row> all = new ArrayList<>();
        rows.forEach(all::add);
        Map<String, Integer> slices = new TreeMap<>();
        all.forEach(r -> slices.merge(slice(r), 1, Integer::sum));
        TreeSet<String> leftOut = new TreeSet<>();
        slices.forEach((slice, n) -> {
            if (n < minSlice) {
                leftOut.add(slice);
            }
        });
        StringBuilder labels = new StringBuilder();
        // the final word on an item is its latest label (an appeal outcome overrides the decision it reviewed)
        Map<String, Row> finalLabel = new LinkedHashMap<>();
        TreeSet<String> policyVersions = new TreeSet<>();
        Map<String, Integer> kept = new TreeMap<>();
        int labelCount = 0;
        for (Row r : all) {
            if (leftOut.contains(slice(r))) {
                continue;
            }
            labelCount++;
            kept.merge(slice(r), 1, Integer::sum);
            if (r.getString("policy_version") != null) {
                policyVersions.add(r.getString("policy_version"));
            }
            String item = item(pseudonyms, r);
            labels.append(new JsonObject().put("id", pseudonyms.of("label", r.getUUID("label_id").toString())).put("item", item)
                    .put("account", pseudonyms.of("account", r.getString("account")))
                    .put("kind", "PROMPT".equals(r.getString("target_kind")) ? "prompt" : "video")
                    .put("prompt", scrubber.scrub(r.getString("prompt_text"))).put("source", r.getString("source"))
                    .put("category", r.getString("category")).put("decision", r.getString("decision")).put("action", r.getString("action"))
                    .put("rationale", scrubber.scrub(r.getString("rationale"))).put("policy_version", r.getString("policy_version"))
                    .put("machine_decision", r.getString("machine_decision"))
                    .put("labelled_on", r.getOffsetDateTime("labelled_at").toLocalDate().toString()).encode()).append('\n');
            finalLabel.put(item, r);
        }
        StringBuilder preferences = new StringBuilder();
        int preferenceCount = 0;
        for (Map.Entry<String, Row> e : finalLabel.entrySet()) {
            Row r = e.getValue();
            if (r.getString("prompt_text") == null) {
                continue;
            }
            String refuse = refusal(r.getString("category"));
            boolean allow = "ALLOW".equals(r.getString("decision"));
            preferences.append(new JsonObject().put("item", e.getKey()).put("prompt", scrubber.scrub(r.getString("prompt_text")))
                    .put("chosen", allow ? COMPLY : refuse).put("rejected", allow ? refuse : COMPLY)
                    .put("label_decision", r.getString("decision")).put("label_source", r.getString("source"))
                    .put("category", r.getString("category")).put("policy_version", r.getString("policy_version"))
                    .put("machine_decision", r.getString("machine_decision")).encode()).append('\n');
            preferenceCount++;
        }
        String datasheet = Datasheet.write(version, settings.licence(), minSlice, labelCount, preferenceCount, kept, leftOut,
                policyVersions);
        return new Built(version, labels.toString(), preferences.toString(), datasheet, labelCount, preferenceCount, leftOut.size());
    }

    static String refusal(String category) {
        return "[refuse] This video is not generated: the request falls under '" + category + "' in the content policy.";
    }

    private static String slice(Row r) {
        return r.getString("category") + " × " + r.getString("decision");
    }

    private static String item(Pseudonyms pseudonyms, Row r) {
        return pseudonyms.of("item", r.getString("target_kind") + ":" + r.getString("target_id"));
    }

    public Uni<DatasetList> list() {
        return pool.query("select * from dataset_snapshot order by version desc limit 200").execute().map(rows -> {
            DatasetList.Builder out = DatasetList.newBuilder();
            rows.forEach(r -> out.addSnapshots(snapshot(r)));
            return out.build();
        });
    }

    public Uni<DatasetFile> file(DatasetFileRequest request) {
        String column = switch (request.getName()) {
            case LABELS -> "labels_jsonl";
            case PREFERENCES -> "preferences_jsonl";
            case DATASHEET -> "datasheet_md";
            default -> throw Refusal.invalid("name must be " + LABELS + ", " + PREFERENCES + " or " + DATASHEET);
        };
        return pool.preparedQuery("select " + column + " as content from dataset_snapshot where version = $1")
                .execute(Tuple.of(request.getVersion()))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw Refusal.notFound("no dataset snapshot " + request.getVersion());
                    }
                    String content = rows.iterator().next().getString("content");
                    return DatasetFile.newBuilder().setName(request.getName()).setContent(content).setSha256(sha256(content)).build();
                });
    }

    private static DatasetSnapshot snapshot(Row r) {
        return DatasetSnapshot.newBuilder().setVersion(r.getInteger("version")).setCreatedAt(CaseRows.text(r.getOffsetDateTime("created_at")))
                .setCreatedBy(r.getString("created_by")).setMinSliceCount(r.getInteger("min_slice_count"))
                .addFiles(info(LABELS, r.getString("labels_jsonl"))).addFiles(info(PREFERENCES, r.getString("preferences_jsonl")))
                .addFiles(info(DATASHEET, r.getString("datasheet_md"))).build();
    }

    private static DatasetFileInfo info(String name, String content) {
        int records = name.endsWith(".jsonl") ? (int) content.chars().filter(c -> c == '\n').count() : 0;
        return DatasetFileInfo.newBuilder().setName(name).setBytes(content.getBytes(StandardCharsets.UTF_8).length)
                .setSha256(sha256(content)).setRecords(records).build();
    }

    static String sha256(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
