package io.safeframe.guard.encoder;

/**
 * The encoder and its heads, loaded once per JVM and shared (tests, the service and the tools all use
 * {@link #shared()}): the ONNX session is the expensive part (~0.5 s and ~100 MB), so nobody loads a second one.
 */
public final class GuardModel {

    private final SentenceEncoder encoder;
    private final GuardHeads heads;

    public GuardModel(SentenceEncoder encoder, GuardHeads heads) {
        if (heads != null && !heads.encoderSha256().equals(encoder.spec().modelSha256())) {
            throw new IllegalStateException("heads were trained on encoder " + heads.encoderId() + " (" + heads.encoderSha256()
                    + "), not on " + encoder.spec().id());
        }
        this.encoder = encoder;
        this.heads = heads;
    }

    public SentenceEncoder encoder() {
        return encoder;
    }

    /** Null while no heads were trained (then the screener runs rules only). */
    public GuardHeads heads() {
        return heads;
    }

    private static final class Holder {
        static final GuardModel SHARED = new GuardModel(
                SentenceEncoder.load(SentenceEncoder.configured(),
                        Integer.getInteger("guard.encoder.threads", Math.max(1, Runtime.getRuntime().availableProcessors()))),
                GuardHeads.configured());
    }

    public static GuardModel shared() {
        return Holder.SHARED;
    }
}
