package io.safeframe.testing;

/** The synthetic generator-service on 9186. */
public class GeneratorServiceProcess extends PackagedService {

    public static final int PORT = 9186;

    @Override
    protected String module() {
        return "generator-service";
    }

    @Override
    protected int port() {
        return PORT;
    }

    @Override
    protected String clientName() {
        return "generator";
    }
}
