package io.safeframe.provenance.c2pa;

import java.nio.file.Path;
import java.util.Optional;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.Startup;
import io.safeframe.provenance.manifest.C2paEmbedder;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Where the claim signer comes from: the Secret's PEMs in production (no fallback: without them the service
 * does not start, as with the watermark key), or a dev chain generated once into the key directory.
 */
@ApplicationScoped
@Startup
public class C2paSigning {

    private final C2paEmbedder embedder;

    public C2paSigning(@ConfigProperty(name = "safeframe.provenance.c2pa.signer-key-pem") Optional<String> keyPem,
            @ConfigProperty(name = "safeframe.provenance.c2pa.chain-pem") Optional<String> chainPem,
            @ConfigProperty(name = "safeframe.provenance.c2pa.dev-chain") boolean devChain,
            @ConfigProperty(name = "safeframe.provenance.c2pa.key-dir") Path keyDir) {
        SigningIdentity identity;
        if (keyPem.isPresent() && chainPem.isPresent()) {
            identity = SigningIdentity.fromPem(keyPem.get(), chainPem.get());
        } else if (devChain) {
            identity = SigningIdentity.load(keyDir, true);
        } else {
            throw new IllegalStateException("no C2PA signing key: set SAFEFRAME_C2PA_KEY_PEM and SAFEFRAME_C2PA_CHAIN_PEM "
                    + "(Secret provenance-keys), or SAFEFRAME_C2PA_DEV_CHAIN=true outside production");
        }
        this.embedder = new C2paEmbedder(identity);
    }

    public C2paEmbedder embedder() {
        return embedder;
    }
}
