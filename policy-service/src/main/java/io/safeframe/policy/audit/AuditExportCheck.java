package io.safeframe.policy.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.keyring.KeyRing;

/**
 * Offline verifier for an audit export (JSON Lines from ExportAudit / GET /v1/admin/audit/export): recomputes
 * the chain and every checkpoint inside the range with the Ed25519 public keys alone — no database, no service.
 * {@code ./safeframe audit-verify EXPORT.jsonl [PUBLIC_KEY|KEY_DIR]}; exit status 0 intact, 1 broken. Give the key
 * directory (all versions) for an export that spans a key rotation.
 */
public final class AuditExportCheck {

    private AuditExportCheck() {
    }

    /** With a single public key (an export signed before any rotation). */
    public static AuditVerifier.Report check(List<String> lines, PublicKey key) throws IOException {
        return check(lines, KeyRing.of(List.of(new KeyRing.Version<>(0, AuditKeyFiles.signingKeyId(key), key))));
    }

    /** With every public key version: each checkpoint is checked with the version its keyId names. */
    public static AuditVerifier.Report check(List<String> lines, KeyRing<PublicKey> keys) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<AuditEntry> events = new ArrayList<>();
        List<AuditLog.Checkpoint> checkpoints = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = json.readTree(line);
            if ("checkpoint".equals(n.path("type").asText())) {
                checkpoints.add(new AuditLog.Checkpoint(n.path("id").asLong(), n.path("firstSeq").asLong(),
                        n.path("lastSeq").asLong(), n.path("merkleRoot").asText(), n.path("keyId").asText(),
                        n.path("signature").asText(), text(n, "prevHash")));
            } else {
                TreeMap<String, String> attributes = new TreeMap<>();
                n.path("attributes").fields().forEachRemaining(a -> attributes.put(a.getKey(), a.getValue().asText()));
                events.add(new AuditEntry(n.path("seq").asLong(), Instant.parse(n.path("occurredAt").asText()),
                        text(n, "actor"), text(n, "accountId"), text(n, "action"), text(n, "target"), text(n, "decision"),
                        text(n, "reason"), text(n, "correlationId"), text(n, "promptHmac"), attributes,
                        text(n, "prevHash"), text(n, "eventHash"), subjects(n.get("subjects"))));
            }
        }
        if (events.isEmpty()) {
            return new AuditVerifier.Report(false, 0, 0, null, null, "the export holds no events");
        }
        ChainWalk walk = new ChainWalk(events.get(0).seq(), events.get(0).prevHash());
        for (AuditEntry e : events) {
            if (!walk.check(e)) {
                return walk.broken();
            }
        }
        return walk.finish(checkpoints, keys);
    }

    private static Subjects subjects(JsonNode n) {
        return n == null || n.isNull() ? null
                : new Subjects(text(n, "actorSalt"), text(n, "actorCommit"), text(n, "accountSalt"), text(n, "accountCommit"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static boolean verify(PublicKey key, byte[] statement, String signatureHex) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(statement);
            return s.verify(HexFormat.of().parseHex(signatureHex));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public static PublicKey readKey(Path file) throws IOException, GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Files.readAllBytes(file)));
    }

    /** A key directory (every audit-ed25519[.N].pub in it) or a single .pub file. */
    public static KeyRing<PublicKey> readKeys(Path fileOrDir) throws IOException, GeneralSecurityException {
        if (Files.isDirectory(fileOrDir)) {
            return AuditKeyFiles.publicRing(fileOrDir);
        }
        PublicKey key = readKey(fileOrDir);
        return KeyRing.of(List.of(new KeyRing.Version<>(0, AuditKeyFiles.signingKeyId(key), key)));
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: audit-verify EXPORT.jsonl PUBLIC_KEY(.pub, X.509 DER)|KEY_DIR(every audit-ed25519[.N].pub)");
            System.exit(2);
        }
        AuditVerifier.Report r = check(Files.readAllLines(Path.of(args[0])), readKeys(Path.of(args[1])));
        System.out.println(new ObjectMapper().writeValueAsString(r));
        System.exit(r.intact() ? 0 : 1);
    }
}
