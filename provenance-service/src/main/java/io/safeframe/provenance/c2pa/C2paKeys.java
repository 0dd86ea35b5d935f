package io.safeframe.provenance.c2pa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.operator.OperatorCreationException;

import io.safeframe.keyring.KeyRing;
import io.safeframe.keyring.KeyRingFiles;

/**
 * The C2PA claim signer as a key ring in a key directory: {@code c2pa-signer[.N].key.pem} with its
 * {@code c2pa-chain[.N].pem} (version 0 keeps the file names from before rings). The newest version signs new
 * manifests. Manifests carry their signer's certificate chain, so ones signed by an older version keep validating
 * on their own; the ring is what says an older signer was ours ({@link #ours}).
 */
public final class C2paKeys {

    static final String KEY = "c2pa-signer";
    static final String CHAIN = "c2pa-chain";

    private C2paKeys() {
    }

    public static KeyRing<SigningIdentity> load(Path dir, boolean generateIfMissing) {
        try {
            KeyRingFiles keys = new KeyRingFiles(dir, KEY);
            KeyRingFiles chains = new KeyRingFiles(dir, CHAIN);
            if (keys.versions("key.pem").isEmpty()) {
                if (!generateIfMissing) {
                    throw new IllegalStateException("no C2PA signing key in " + dir + " (" + KEY + ".key.pem, " + CHAIN + ".pem)");
                }
                rotate(dir);
            }
            List<KeyRing.Version<SigningIdentity>> versions = new ArrayList<>();
            for (int v : keys.versions("key.pem")) {
                SigningIdentity identity = SigningIdentity.fromPem(Files.readString(keys.path(v, "key.pem")),
                        Files.readString(chains.path(v, "pem")));
                versions.add(new KeyRing.Version<>(v, identity.keyId(), identity));
            }
            return KeyRing.of(versions);
        } catch (IOException e) {
            throw new IllegalStateException("C2PA signing keys in " + dir + " are unusable: " + e.getMessage(), e);
        }
    }

    /**
     * Adds the next version with a fresh dev chain and returns its key id. Production instead adds the two PEM files
     * its CA issued under the next version's names (docs/audit-integrity.md).
     */
    public static String rotate(Path dir) throws IOException {
        KeyRingFiles keys = new KeyRingFiles(dir, KEY);
        int next = keys.nextVersion("key.pem");
        try {
            Path chain = new KeyRingFiles(dir, CHAIN).path(next, "pem");
            SigningIdentity.writeDevChain(keys.path(next, "key.pem"), chain);
            return SigningIdentity.fromPem(Files.readString(keys.path(next, "key.pem")), Files.readString(chain)).keyId();
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("could not make a C2PA dev chain: " + e.getMessage(), e);
        }
    }

    /** Whether a valid manifest was signed by one of our versions (and which). */
    public static java.util.Optional<String> ours(KeyRing<SigningIdentity> ring, io.safeframe.provenance.manifest.C2paReader.Result manifest) {
        if (!manifest.valid() || manifest.signerKeyId() == null) {
            return java.util.Optional.empty();
        }
        return ring.byId(manifest.signerKeyId()).map(KeyRing.Version::id);
    }
}
