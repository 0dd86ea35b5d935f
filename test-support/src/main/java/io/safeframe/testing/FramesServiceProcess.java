package io.safeframe.testing;

import java.util.List;

/**
 * frame-classifier-service on 9183 (hash banks, video classification), screening the text it reads from clips with
 * the prompt-guard process on its TLS port: a test that classifies clips with text on screen or speech starts
 * {@link GuardServiceProcess} too (without it, such a clip is UNAVAILABLE, never ALLOW).
 */
public class FramesServiceProcess extends PackagedService {

    public static final int PORT = 9183;

    @Override
    protected String module() {
        return "frame-classifier-service";
    }

    @Override
    protected int port() {
        return PORT;
    }

    @Override
    protected String clientName() {
        return "frames";
    }

    @Override
    protected List<String> options() {
        return List.of("-Dquarkus.grpc.clients.guard.port=" + (GuardServiceProcess.PORT + 400));
    }
}
