package io.safeframe.policy.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Salted commitments to the two fields of an event that name a person, the actor and the account. The chain hashes
 * {@code SHA-256(salt || name)} instead of the name, so erasing an account (GDPR Art. 17) can replace the name by its
 * commitment and drop the salt: the event still hashes the same and the chain verifies, while the commitment, its
 * 128-bit salt gone, no longer says whose it was (a guessed name cannot be tested against it). One salt per field:
 * erasing the account of an event must not expose the actor's commitment, or the other way round.
 * Null on events sealed before V9 (they hash the clear names and cannot be erased this way).
 */
@io.quarkus.runtime.annotations.RegisterForReflection
public record Subjects(String actorSalt, String actorCommit, String accountSalt, String accountCommit) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    static Subjects fresh() {
        return new Subjects(salt(), null, salt(), null);
    }

    /** What the chain hashes for the actor: its commitment, recomputed from name and salt until it is erased. */
    String actorInput(String actor) {
        return input(actorSalt, actorCommit, actor);
    }

    String accountInput(String account) {
        return input(accountSalt, accountCommit, account);
    }

    private static String input(String salt, String commit, String value) {
        if (commit != null) {
            // erased: a name still next to its commitment is tampering and must not verify
            return value == null ? "sha256:" + commit : "erased-but-present";
        }
        if (value == null) {
            return null;
        }
        return salt == null ? "name-without-salt" : "sha256:" + commit(salt, value);
    }

    /** SHA-256 over the salt's bytes and the name's UTF-8; the erasure computes the same in SQL. */
    static String commit(String saltHex, String value) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(HEX.parseHex(saltHex));
            sha.update(value.getBytes(StandardCharsets.UTF_8));
            return HEX.formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String salt() {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return HEX.formatHex(salt);
    }
}
