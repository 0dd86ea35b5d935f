package io.safeframe.guard.policy;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import jakarta.enterprise.context.ApplicationScoped;

/** Not ready until a prompt policy is loaded: an instance that would fail every screening gets no traffic. */
@Readiness
@ApplicationScoped
public class PolicyReadiness implements HealthCheck {

    private final PolicyHolder holder;

    public PolicyReadiness(PolicyHolder holder) {
        this.holder = holder;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.builder().name("prompt-policy").status(holder.loaded())
                .withData("source", holder.source()).withData("storeVersion", holder.storeVersion()).build();
    }
}
