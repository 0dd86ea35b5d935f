package io.safeframe.provenance.registry;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.safeframe.api.v1.AssetRecord;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** The asset registry in PostgreSQL; accounts appear only as HMAC-SHA256 under a registry key. */
@ApplicationScoped
public class AssetRegistry {

    private final Pool pool;
    private final byte[] accountKey;

    public AssetRegistry(Pool pool, @ConfigProperty(name = "safeframe.provenance.account-hmac-key") String accountKey) {
        this.pool = pool;
        this.accountKey = accountKey.getBytes(StandardCharsets.UTF_8);
    }

    public record NewAsset(UUID assetId, String account, String model, String modelVersion, String promptVerdictId, String mediaType,
            String payloadHex, String keyId, String contentSha256, String manifestSha256, String correlationId, String requestId) {
    }

    /** false when the payload or the request id is already taken (the caller draws another payload, or retries). */
    public Uni<Boolean> register(NewAsset a) {
        return pool.preparedQuery("""
                insert into asset (asset_id, account_hmac, model, model_version, prompt_verdict_id, media_type, watermark_payload, key_id,
                    content_sha256, manifest_sha256, correlation_id, request_id) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                on conflict do nothing""")
                .execute(Tuple.from(new Object[] { a.assetId(), hmac(a.account()), a.model(), a.modelVersion(), a.promptVerdictId(),
                        a.mediaType(), a.payloadHex(), a.keyId(), a.contentSha256(), a.manifestSha256(), a.correlationId(), a.requestId() }))
                .map(r -> r.rowCount() == 1);
    }

    /** The asset an earlier Mark with this request id registered: its id and payload, or null. */
    public Uni<String[]> byRequest(String requestId) {
        return pool.preparedQuery("select asset_id, watermark_payload from asset where request_id = $1").execute(Tuple.of(requestId))
                .map(rows -> rows.iterator().hasNext()
                        ? new String[] { rows.iterator().next().getUUID("asset_id").toString(), rows.iterator().next().getString("watermark_payload") }
                        : null);
    }

    /** A repeated Mark re-signs the manifest (a new signature): the record follows the bytes last handed out. */
    /** A re-mark of the same request: new bytes, and the key version that marked them (newer after a rotation). */
    public Uni<Void> refresh(String assetId, String contentSha256, String manifestSha256, String keyId) {
        return pool.preparedQuery("update asset set content_sha256 = $2, manifest_sha256 = $3, key_id = $4 where asset_id = $1::uuid")
                .execute(Tuple.of(assetId, contentSha256, manifestSha256, keyId)).replaceWithVoid();
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
                .setKeyId(r.getString("key_id")).build();
    }

    String hmac(String account) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(accountKey, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(account.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
