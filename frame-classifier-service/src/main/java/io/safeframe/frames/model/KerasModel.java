package io.safeframe.frames.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * A Keras "layers" model as TF.js stores it (model.json topology + uint8-quantised weights), converted at load into
 * an ONNX graph ({@link KerasToOnnx}: only the layer kinds MobileNetV2 uses; anything else is refused, not mis-run)
 * and run by ONNX Runtime, whose convolution kernels (im2col + blocked, vectorised matrix multiply) are several
 * times faster than loops the JIT vectorises. Weights are de-quantised as TF.js does: value = q × scale + min (in
 * double, then float).
 */
public final class KerasModel {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private final OrtSession session;
    private final String outputName;
    private final int inputSize;

    public KerasModel(InputStream modelJson, InputStream weightsBin) throws IOException {
        JsonNode model = new ObjectMapper().readTree(modelJson);
        Map<String, float[]> tensors = new HashMap<>();
        Map<String, int[]> shapes = new HashMap<>();
        byte[] bytes = weightsBin.readAllBytes();
        int offset = 0;
        for (JsonNode group : model.path("weightsManifest")) {
            for (JsonNode w : group.path("weights")) {
                int[] shape = new int[w.path("shape").size()];
                int n = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = w.path("shape").get(i).asInt();
                    n *= shape[i];
                }
                JsonNode q = w.path("quantization");
                if (!"uint8".equals(q.path("dtype").asText())) {
                    throw new IOException("weight " + w.path("name").asText() + " is not uint8-quantised");
                }
                double min = q.path("min").asDouble();
                double scale = q.path("scale").asDouble();
                float[] values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = (float) ((bytes[offset + i] & 0xff) * scale + min);
                }
                offset += n;
                tensors.put(w.path("name").asText(), values);
                shapes.put(w.path("name").asText(), shape);
            }
        }
        if (offset != bytes.length) {
            throw new IOException("weights.bin has " + bytes.length + " bytes, the manifest describes " + offset);
        }
        JsonNode config = model.path("modelTopology").path("model_config").path("config");
        List<KerasToOnnx.Layer> layers = new ArrayList<>();
        int size = 0;
        for (JsonNode l : config.path("layers")) {
            String name = l.path("config").path("name").asText();
            String kind = l.path("class_name").asText();
            List<String> inputs = new ArrayList<>();
            for (JsonNode node : l.path("inbound_nodes")) {
                for (JsonNode in : node) {
                    inputs.add(in.get(0).asText());
                }
            }
            Map<String, float[]> weights = new HashMap<>();
            int[] kernelShape = null;
            for (String suffix : List.of("kernel", "depthwise_kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance")) {
                float[] t = tensors.get(name + "/" + suffix);
                if (t != null) {
                    weights.put(suffix, t);
                    if (suffix.endsWith("kernel")) {
                        kernelShape = shapes.get(name + "/" + suffix);
                    }
                }
            }
            if (kind.equals("InputLayer")) {
                size = l.path("config").path("batch_input_shape").get(1).asInt();
            }
            layers.add(new KerasToOnnx.Layer(name, kind, inputs, l.path("config"), weights, kernelShape));
        }
        this.inputSize = size;
        byte[] onnx = KerasToOnnx.convert(layers, config.path("output_layers").get(0).get(0).asText(), size);
        try {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            // one thread per call: the service runs one clip per media worker, each worker its own core
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = ENV.createSession(onnx, options);
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime refused the converted model: " + e.getMessage(), e);
        }
        this.outputName = session.getOutputNames().iterator().next();
    }

    public int inputSize() {
        return inputSize;
    }

    /** Runs the model on an h × w × 3 input already scaled as the model expects; returns the output vector. Thread-safe. */
    public float[] predict(float[] input) {
        if (input.length != inputSize * inputSize * 3) {
            throw new IllegalArgumentException("input of " + input.length + " floats, the model takes " + inputSize + "×" + inputSize + "×3");
        }
        try (OnnxTensor x = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(input), new long[] { 1, inputSize, inputSize, 3 });
                OrtSession.Result r = session.run(Map.of("input", x), Set.of(outputName))) {
            return ((float[][]) r.get(0).getValue())[0];
        } catch (OrtException e) {
            throw new IllegalStateException("the image model failed: " + e.getMessage(), e);
        }
    }
}
