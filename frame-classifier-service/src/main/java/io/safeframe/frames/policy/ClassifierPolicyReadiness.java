package io.safeframe.frames.policy;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import jakarta.enterprise.context.ApplicationScoped;

/** Not ready until a classifier policy is in force: a new pod takes no clips it would have to refuse. */
@Readiness
@ApplicationScoped
public class ClassifierPolicyReadiness implements HealthCheck {

    private final ClassifierPolicyHolder holder;

    public ClassifierPolicyReadiness(ClassifierPolicyHolder holder) {
        this.holder = holder;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("classifier-policy").status(holder.loaded()).withData("storeVersion", holder.storeVersion()).build();
    }
}
