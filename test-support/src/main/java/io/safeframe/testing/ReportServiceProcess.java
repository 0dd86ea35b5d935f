package io.safeframe.testing;

import java.util.List;

/** report-service on 9185, delivering sanctions and audit events to the policy-service on 9181. */
public class ReportServiceProcess extends PackagedService {

    public static final int PORT = 9185;

    @Override
    protected String module() {
        return "report-service";
    }

    @Override
    protected int port() {
        return PORT;
    }

    @Override
    protected String clientName() {
        return "report";
    }

    @Override
    protected List<String> options() {
        return List.of("-Dquarkus.grpc.clients.policy.port=" + PolicyServiceProcess.TLS_PORT);
    }
}
