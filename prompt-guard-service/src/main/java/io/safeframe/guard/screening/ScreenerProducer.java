package io.safeframe.guard.screening;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.safeframe.guard.encoder.GuardModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The service's one screener. With {@code safeframe.guard.encoder.enabled=true} (the default) it is rules + sentence
 * encoder + calibrated heads; the model is loaded and its SHA-256 checked at start (a wrong or missing model fails the
 * start, it is not silently skipped) and warmed up before the service takes traffic. {@code false} runs the v1 path (rules + n-gram scorer) without loading ONNX.
 */
@ApplicationScoped
public class ScreenerProducer {

    private static final Logger LOG = Logger.getLogger(ScreenerProducer.class);

    @Produces
    @Singleton
    @Startup
    Screener screener(@ConfigProperty(name = "safeframe.guard.encoder.enabled", defaultValue = "true") boolean encoder,
            @ConfigProperty(name = "safeframe.guard.encoder.warm-up-rounds", defaultValue = "5") int warmUpRounds) {
        if (!encoder) {
            LOG.warn("prompt guard running without the sentence encoder (safeframe.guard.encoder.enabled=false)");
            return new Screener();
        }
        long t0 = System.nanoTime();
        GuardModel model = GuardModel.shared();
        if (model.heads() == null) {
            throw new IllegalStateException("policy/prompt-heads.json is missing: run ./safeframe guard-train");
        }
        LOG.infof("prompt guard encoder %s loaded (SHA-256 %s verified) with heads for policy %s in %d ms",
                model.encoder().spec().id(), model.encoder().spec().modelSha256().substring(0, 12), model.heads().policyVersion(),
                (System.nanoTime() - t0) / 1_000_000);
        LOG.infof("prompt guard encoder warmed up in %d ms", model.encoder().warmUp(warmUpRounds));
        return Screener.withEncoder(model);
    }
}
