package io.safeframe.provenance.c2pa;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.Startup;
import io.safeframe.keyring.KeyRing;
import io.safeframe.provenance.manifest.C2paEmbedder;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Where the claim signer comes from: the Secret's PEMs in production (a ring of one; no fallback: without them the
 * service does not start, as with the watermark key), or the key ring in the key directory (C2paKeys: the newest
 * version signs; a Secret mounted there in production, a dev chain generated once locally).
 */
@ApplicationScoped
@Startup
public class C2paSigning {

    private final C2paEmbedder embedder;
    private final KeyRing<SigningIdentity> keys;

    public C2paSigning(@ConfigProperty(name = "safeframe.provenance.c2pa.signer-key-pem") Optional<String> keyPem,
            @ConfigProperty(name = "safeframe.provenance.c2pa.chain-pem") Optional<String> chainPem,
            @ConfigProperty(name = "safeframe.provenance.c2pa.dev-chain") boolean devChain,
            @ConfigProperty(name = "safeframe.provenance.c2pa.key-dir") Path keyDir) {
        if (keyPem.isPresent() && chainPem.isPresent()) {
            SigningIdentity identity = SigningIdentity.fromPem(keyPem.get(), chainPem.get());
            keys = KeyRing.of(List.of(new KeyRing.Version<>(0, identity.keyId(), identity)));
        } else if (devChain || hasKeys(keyDir)) {
            keys = C2paKeys.load(keyDir, devChain);
        } else {
            throw new IllegalStateException("no C2PA signing key: set SAFEFRAME_C2PA_KEY_PEM and SAFEFRAME_C2PA_CHAIN_PEM "
                    + "(Secret provenance-keys), mount a key ring in " + keyDir + ", or SAFEFRAME_C2PA_DEV_CHAIN=true outside production");
        }
        this.embedder = new C2paEmbedder(keys.newest().key());
    }

    private static boolean hasKeys(Path dir) {
        try {
            return !new io.safeframe.keyring.KeyRingFiles(dir, C2paKeys.KEY).versions("key.pem").isEmpty();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    public C2paEmbedder embedder() {
        return embedder;
    }

    public KeyRing<SigningIdentity> keys() {
        return keys;
    }
}
