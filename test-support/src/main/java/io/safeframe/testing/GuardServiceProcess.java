package io.safeframe.testing;

/** prompt-guard-service on 9182. */
public class GuardServiceProcess extends PackagedService {

    public static final int PORT = 9182;

    @Override
    protected String module() {
        return "prompt-guard-service";
    }

    @Override
    protected int port() {
        return PORT;
    }

    @Override
    protected String clientName() {
        return "guard";
    }
}
