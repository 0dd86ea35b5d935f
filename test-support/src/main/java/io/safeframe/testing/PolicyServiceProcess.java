package io.safeframe.testing;

/** policy-service on 9181 (quotas, sanctions, audit log). */
public class PolicyServiceProcess extends PackagedService {

    public static final int PORT = 9181;
    /** Its gRPC over mutual TLS. */
    public static final int TLS_PORT = PORT + 400;

    @Override
    protected String module() {
        return "policy-service";
    }

    @Override
    protected int port() {
        return PORT;
    }

    @Override
    protected String clientName() {
        return "policy";
    }

    /**
     * As in production, the usage tiers follow the policy store (seeded with the same tiers the %test profile
     * configures), polled every second so a test sees a promoted tiers version quickly.
     */
    @Override
    protected java.util.List<String> options() {
        return java.util.List.of("-Dsafeframe.usage.follow-store=true", "-D%test.safeframe.usage.follow-store=true",
                "-Dsafeframe.usage.reload-every=1s");
    }
}
