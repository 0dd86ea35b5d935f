package io.safeframe.testing;

/** provenance-service on 9184 (watermark, registry) with its test keys. */
public class ProvenanceServiceProcess extends PackagedService {

    public static final int PORT = 9184;

    @Override
    protected String module() {
        return "provenance-service";
    }

    @Override
    protected int port() {
        return PORT;
    }

    @Override
    protected String clientName() {
        return "provenance";
    }
}
