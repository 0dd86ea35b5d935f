package io.safeframe.provenance.registry;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.safeframe.api.v1.AssetRecord;
import io.safeframe.keyring.KeyRing;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The asset registry in PostgreSQL; accounts appear only as HMAC-SHA256 under the registry's account key, recorded
 * as {@code KEYID:HMAC}. The key is a ring ("oldest,…,newest" in {@code safeframe.provenance.account-hmac-key}): the
 * newest makes new records, and an account's records under older versions are still found ({@link #accountHmacs}).
 */
@ApplicationScoped
public class AssetRegistry {

    private final Pool pool;
    private final KeyRing<byte[]> accountKeys;

    public AssetRegistry(Pool pool, @ConfigProperty(name = "safeframe.provenance.account-hmac-key") String accountKeys) {
        this.pool = pool;
        this.accountKeys = KeyRing.ofSecretList(accountKeys, 16);
    }

    /**
     * What one marking produced: the watermark key version and layout version that made the mark (a detector needs
     * both to read it after either changes), the bytes' hash, and the signed manifest store with its label (its
     * C2PA manifest id), kept for soft-binding resolution.
     */
    public record Marking(String keyId, int watermarkLayout, String contentSha256, String manifestSha256, String manifestLabel,
            byte[] manifestStore) {
    }

    public record NewAsset(UUID assetId, String account, String model, String modelVersion, String promptVerdictId, String mediaType,
            String payloadHex, Marking marking, String correlationId, String requestId) {
    }

    /** false when the payload or the request id is already taken (the caller draws another payload, or retries). */
    public Uni<Boolean> register(NewAsset a) {
        Marking m = a.marking();
        return pool.preparedQuery("""
                insert into asset (asset_id, account_hmac, model, model_version, prompt_verdict_id, media_type, watermark_payload, key_id,
                    watermark_layout, content_sha256, manifest_sha256, manifest_label, manifest_store, correlation_id, request_id)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                on conflict do nothing""")
                .execute(Tuple.from(new Object[] { a.assetId(), hmac(a.account()), a.model(), a.modelVersion(), a.promptVerdictId(),
                        a.mediaType(), a.payloadHex(), m.keyId(), (short) m.watermarkLayout(), m.contentSha256(), m.manifestSha256(),
                        m.manifestLabel(), m.manifestStore() == null ? null : io.vertx.core.buffer.Buffer.buffer(m.manifestStore()), a.correlationId(), a.requestId() }))
                .map(r -> r.rowCount() == 1);
    }

    /** The asset an earlier Mark with this request id registered: its id and payload, or null. */
    public Uni<String[]> byRequest(String requestId) {
        return pool.preparedQuery("select asset_id, watermark_payload from asset where request_id = $1").execute(Tuple.of(requestId))
                .map(rows -> rows.iterator().hasNext()
                        ? new String[] { rows.iterator().next().getUUID("asset_id").toString(), rows.iterator().next().getString("watermark_payload") }
                        : null);
    }

    /**
     * A re-mark of the same request re-signs the manifest (a new signature, a new label) and may use a newer key or
     * layout: the record follows the bytes last handed out.
     */
    public Uni<Void> refresh(String assetId, Marking m) {
        return pool.preparedQuery("""
                update asset set key_id = $2, watermark_layout = $3, content_sha256 = $4, manifest_sha256 = $5, manifest_label = $6,
                    manifest_store = $7 where asset_id = $1::uuid""")
                .execute(Tuple.from(new Object[] { UUID.fromString(assetId), m.keyId(), (short) m.watermarkLayout(), m.contentSha256(),
                        m.manifestSha256(), m.manifestLabel(), m.manifestStore() == null ? null : io.vertx.core.buffer.Buffer.buffer(m.manifestStore()) }))
                .replaceWithVoid();
    }

    /**
     * The manifest ids whose soft binding is this payload. Payloads are unique, so at most one; the list shape is
     * the resolution API's. Not filtered by key version: the caller presents a soft-binding value, not a detection.
     */
    public Uni<List<String>> manifestIds(String payloadHex, int max) {
        return pool.preparedQuery("select manifest_label from asset where watermark_payload = $1 and manifest_label is not null limit $2")
                .execute(Tuple.of(payloadHex, max)).map(rows -> {
                    List<String> ids = new java.util.ArrayList<>();
                    rows.forEach(r -> ids.add(r.getString(0)));
                    return ids;
                });
    }

    /** The manifest store with this label, or null. */
    public Uni<byte[]> manifestStore(String manifestLabel) {
        return pool.preparedQuery("select manifest_store from asset where manifest_label = $1 and manifest_store is not null")
                .execute(Tuple.of(manifestLabel))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getBuffer(0).getBytes() : null);
    }

    public Uni<AssetRecord> byPayload(String payloadHex) {
        return pool.preparedQuery("select * from asset where watermark_payload = $1").execute(Tuple.of(payloadHex))
                .map(rows -> rows.iterator().hasNext() ? record(rows.iterator().next()) : null);
    }

    /** The asset a detected mark leads to, only if it was marked with the key version that detected it. */
    public Uni<AssetRecord> byPayload(String payloadHex, String keyId) {
        return pool.preparedQuery("select * from asset where watermark_payload = $1 and key_id = $2").execute(Tuple.of(payloadHex, keyId))
                .map(rows -> rows.iterator().hasNext() ? record(rows.iterator().next()) : null);
    }

    static AssetRecord record(Row r) {
        return AssetRecord.newBuilder().setAssetId(r.getUUID("asset_id").toString()).setModel(r.getString("model"))
                .setModelVersion(r.getString("model_version")).setCreatedAt(r.getOffsetDateTime("created_at").toInstant().toString())
                .setKeyId(r.getString("key_id")).setWatermarkLayout(r.getShort("watermark_layout")).build();
    }

    /** The value a new record stores: the newest key's id and its HMAC. */
    String hmac(String account) {
        KeyRing.Version<byte[]> newest = accountKeys.newest();
        return newest.id() + ":" + hmac(newest.key(), account);
    }

    /**
     * Every value the account's records can carry (to find them all: export, erasure): {@code KEYID:HMAC} under each
     * version, and the bare HMAC that rows written before key ids were recorded carry.
     */
    List<String> accountHmacs(String account) {
        List<String> values = new java.util.ArrayList<>();
        for (KeyRing.Version<byte[]> v : accountKeys.newestFirst()) {
            String mac = hmac(v.key(), account);
            values.add(v.id() + ":" + mac);
            values.add(mac);
        }
        return values;
    }

    /** How many assets the account has, whichever key version recorded them. */
    public Uni<Long> countByAccount(String account) {
        return pool.preparedQuery("select count(*) from asset where account_hmac = any($1)")
                .execute(Tuple.of(accountHmacs(account).toArray(new String[0]))).map(rows -> rows.iterator().next().getLong(0));
    }

    private static String hmac(byte[] key, String account) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(account.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
