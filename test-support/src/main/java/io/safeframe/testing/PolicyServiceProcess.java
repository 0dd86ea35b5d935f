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
}
