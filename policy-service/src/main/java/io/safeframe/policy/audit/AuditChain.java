package io.safeframe.policy.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The hashing behind the tamper-evident log: a SHA-256 hash chain over events and a Merkle tree over
 * each checkpoint's batch (leaf/node prefixes 0x00/0x01 as in RFC 6962, so a leaf can never pass for a node).
 */
public final class AuditChain {

    /** The prev_hash of the first event. */
    public static final String GENESIS = "0".repeat(64);

    private static final HexFormat HEX = HexFormat.of();

    private AuditChain() {
    }

    /**
     * Hash of an event's content and its predecessor's hash; {@code eventHash} itself is not an input. Events with
     * {@link Subjects} hash the commitments to actor and account instead of the names (erasable).
     */
    public static String hashOf(AuditEntry e) {
        StringBuilder canonical = new StringBuilder(256)
                .append(e.seq()).append('\u001f')
                .append(e.occurredAt().toEpochMilli()).append('\u001f');
        Subjects s = e.subjects();
        String actor = s == null ? e.actor() : s.actorInput(e.actor());
        String account = s == null ? e.accountId() : s.accountInput(e.accountId());
        for (String field : new String[] { actor, account, e.action(), e.target(), e.decision(), e.reason(),
                e.correlationId(), e.promptHmac() }) {
            appendField(canonical, field);
        }
        for (Map.Entry<String, String> attribute : e.attributes().entrySet()) {
            appendField(canonical, attribute.getKey());
            appendField(canonical, attribute.getValue());
        }
        MessageDigest sha = sha256();
        sha.update(e.prevHash().getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) '\n');
        sha.update(canonical.toString().getBytes(StandardCharsets.UTF_8));
        return HEX.formatHex(sha.digest());
    }

    // Length-prefixed so that moving text between neighbouring fields changes the hash.
    private static void appendField(StringBuilder out, String value) {
        if (value == null) {
            out.append("-1:");
        } else {
            out.append(value.length()).append(':').append(value);
        }
        out.append('\u001f');
    }

    public static String merkleRoot(List<String> eventHashes) {
        if (eventHashes.isEmpty()) {
            throw new IllegalArgumentException("a checkpoint covers at least one event");
        }
        List<byte[]> level = new ArrayList<>(eventHashes.size());
        for (String h : eventHashes) {
            level.add(digest((byte) 0, HEX.parseHex(h)));
        }
        while (level.size() > 1) {
            List<byte[]> next = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i < level.size(); i += 2) {
                next.add(i + 1 < level.size() ? digest((byte) 1, level.get(i), level.get(i + 1)) : level.get(i));
            }
            level = next;
        }
        return HEX.formatHex(level.get(0));
    }

    /** The exact bytes a legacy (v1, unchained) checkpoint signature covers; kept so old checkpoints still verify. */
    public static byte[] checkpointStatement(long firstSeq, long lastSeq, String merkleRoot) {
        return ("safeframe-audit-checkpoint/v1|" + firstSeq + "|" + lastSeq + "|" + merkleRoot)
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The exact bytes a chained (v2) checkpoint signature covers: its range and root, the hash of the checkpoint
     * before it ({@link #GENESIS} for the first) and the id of the key that signs. Signing the predecessor's hash
     * is what makes removing or reordering checkpoints visible.
     */
    public static byte[] checkpointStatement(long firstSeq, long lastSeq, String merkleRoot, String prevCheckpointHash,
            String keyId) {
        return ("safeframe-audit-checkpoint/v2|" + firstSeq + "|" + lastSeq + "|" + merkleRoot + "|" + prevCheckpointHash
                + "|" + keyId).getBytes(StandardCharsets.US_ASCII);
    }

    /** A checkpoint's hash, the link its successor signs: SHA-256 over its signed statement. */
    public static String checkpointHash(byte[] statement) {
        return HEX.formatHex(sha256().digest(statement));
    }

    private static byte[] digest(byte prefix, byte[]... parts) {
        MessageDigest sha = sha256();
        sha.update(prefix);
        for (byte[] part : parts) {
            sha.update(part);
        }
        return sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
