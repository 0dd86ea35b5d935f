package io.safeframe.frames.model;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Keras "layers" model as TF.js stores it (model.json topology + uint8-quantised weights), run in plain Java.
 * Only the layer kinds MobileNetV2 uses are implemented; anything else is refused at load, not mis-run.
 * Weights are de-quantised as TF.js does: value = q × scale + min (in double, then float).
 */
public final class KerasModel {

    private final List<Layer> layers = new ArrayList<>();
    private final String output;
    private final int inputSize;

    private record Layer(String name, String kind, List<String> inputs, JsonNode config, Map<String, float[]> weights, int[] kernelShape) {
    }

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
            switch (kind) {
                case "InputLayer" -> size = l.path("config").path("batch_input_shape").get(1).asInt();
                case "ZeroPadding2D", "Conv2D", "BatchNormalization", "ReLU", "DepthwiseConv2D", "Add", "AveragePooling2D",
                        "Flatten", "Dense", "Dropout" -> {
                }
                default -> throw new IOException("layer kind " + kind + " (" + name + ") is not supported");
            }
            layers.add(new Layer(name, kind, inputs, l.path("config"), weights, kernelShape));
        }
        this.inputSize = size;
        this.output = config.path("output_layers").get(0).get(0).asText();
    }

    public int inputSize() {
        return inputSize;
    }

    /** Runs the model on an h × w × 3 input already scaled as the model expects; returns the output vector. */
    public float[] predict(float[] input) {
        Map<String, Tensor> values = new HashMap<>();
        for (Layer l : layers) {
            Tensor in = l.inputs().isEmpty() ? null : values.get(l.inputs().get(0));
            Tensor out = switch (l.kind()) {
                case "InputLayer" -> new Tensor(inputSize, inputSize, 3, input);
                case "ZeroPadding2D" -> Ops.zeroPad(in, l.config().path("padding"));
                case "Conv2D" -> Ops.conv2d(in, l.weights().get("kernel"), l.kernelShape(), l.weights().get("bias"),
                        l.config().path("strides").get(0).asInt(), "same".equals(l.config().path("padding").asText()));
                case "DepthwiseConv2D" -> Ops.depthwise(in, l.weights().get("depthwise_kernel"), l.kernelShape(),
                        l.config().path("strides").get(0).asInt(), "same".equals(l.config().path("padding").asText()));
                case "BatchNormalization" -> Ops.batchNorm(in, l.weights(), (float) l.config().path("epsilon").asDouble());
                case "ReLU" -> Ops.relu(in, l.config().path("max_value").isNull() ? Float.MAX_VALUE : (float) l.config().path("max_value").asDouble());
                case "Add" -> Ops.add(values.get(l.inputs().get(0)), values.get(l.inputs().get(1)));
                case "AveragePooling2D" -> Ops.averagePool(in, l.config().path("pool_size").get(0).asInt(), l.config().path("strides").get(0).asInt());
                case "Flatten", "Dropout" -> in;
                case "Dense" -> Ops.dense(in, l.weights().get("kernel"), l.kernelShape(), l.weights().get("bias"),
                        l.config().path("activation").asText());
                default -> throw new IllegalStateException(l.kind());
            };
            values.put(l.name(), out);
        }
        return values.get(output).data();
    }
}
