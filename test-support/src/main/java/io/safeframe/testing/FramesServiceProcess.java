package io.safeframe.testing;

/** frame-classifier-service on 9183 (hash banks, video classification). */
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
}
