package io.safeframe.testing;

import java.util.List;

/**
 * likeness-service on 9188 (the cameo consent registry), describing faces with the frame-classifier process and
 * auditing consent changes in the policy-service process, both on their TLS ports: a test that starts it starts
 * {@link FramesServiceProcess} and {@link PolicyServiceProcess} too.
 */
public class LikenessServiceProcess extends PackagedService {

    public static final int PORT = 9188;

    @Override
    protected String module() {
        return "likeness-service";
    }

    @Override
    protected int port() {
        return PORT;
    }

    @Override
    protected String clientName() {
        return "likeness";
    }

    @Override
    protected List<String> options() {
        return List.of("-Dquarkus.grpc.clients.frames.port=" + (FramesServiceProcess.PORT + 400),
                "-Dquarkus.grpc.clients.policy.port=" + PolicyServiceProcess.TLS_PORT);
    }
}
