package io.safeframe.frames.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/**
 * The conversion's own promises. Its numbers on the real model are checked against TF.js by
 * {@link ClassifierParityTest}, which covers the rewrites MobileNetV2 uses (folded batch norms, ReLU6 as Clip,
 * padding absorbed into strided depthwise convolutions); the paths MobileNetV2 never takes (a batch norm or ReLU that
 * cannot be folded, SAME padding, Flatten of a map) are checked here against the hand-written Java operations.
 */
class KerasToOnnxTest {

    @Test
    void threadsSharingTheModelGetTheSameAnswersAsOneThreadAlone() throws Exception {
        NsfwClassifier classifier = NsfwClassifier.fromClasspath();
        List<float[]> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int i = 0; i < 6; i++) {
            float[] in = new float[224 * 224 * 3];
            for (int j = 0; j < in.length; j++) {
                in[j] = (float) random.nextDouble();
            }
            inputs.add(in);
            expected.add(classifier.classifyScaled(in));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> answers = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (float[] in : inputs) {
                    answers.add(pool.submit(() -> classifier.classifyScaled(in)));
                }
            }
            for (int i = 0; i < answers.size(); i++) {
                assertArrayEquals(expected.get(i % inputs.size()), answers.get(i).get(), "answer " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anInputOfTheWrongSizeIsRefused() {
        NsfwClassifier classifier = NsfwClassifier.fromClasspath();
        assertThrows(IllegalArgumentException.class, () -> classifier.classifyScaled(new float[100]));
    }

    /**
     * in (5×5×3) → conv 3×3 SAME stride 2 → batch norm → ReLU, where the conv output is also read by a second
     * branch, so neither folds; then add, flatten (a 3×3 map), dense softmax. Against Ops, step by step.
     */
    @Test
    void unfoldedPathsMatchTheJavaOperations() throws Exception {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        Weights w = new Weights();
        w.add("conv/kernel", random, 3, 3, 3, 4);
        w.add("conv/bias", random, 4);
        w.add("bn/gamma", random, 4);
        w.add("bn/beta", random, 4);
        w.add("bn/moving_mean", random, 4);
        w.add("bn/moving_variance", random, 4);
        w.add("fc/kernel", random, 36, 5);
        w.add("fc/bias", random, 5);
        String json = model(w, layer("InputLayer", "in", List.of(), "\"batch_input_shape\":[null,5,5,3]"),
                layer("Conv2D", "conv", List.of("in"), "\"strides\":[2,2],\"padding\":\"same\",\"activation\":\"linear\""),
                layer("BatchNormalization", "bn", List.of("conv"), "\"epsilon\":0.001"),
                layer("ReLU", "relu", List.of("bn"), "\"max_value\":6.0"),
                layer("Add", "sum", List.of("relu", "conv"), ""),
                layer("Flatten", "flat", List.of("sum"), ""),
                layer("Dense", "fc", List.of("flat"), "\"activation\":\"softmax\""));
        KerasModel model = new KerasModel(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), new ByteArrayInputStream(w.bytes()));
        float[] input = new float[5 * 5 * 3];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextDouble();
        }
        // the same network by hand, with the quantised weights as the model holds them
        Tensor conv = Ops.conv2d(new Tensor(5, 5, 3, input), w.value("conv/kernel"), new int[] { 3, 3, 3, 4 }, w.value("conv/bias"), 2, true);
        Tensor bn = new Tensor(3, 3, 4);
        for (int i = 0; i < bn.data().length; i++) {
            int c = i % 4;
            bn.data()[i] = (float) ((conv.data()[i] - w.value("bn/moving_mean")[c]) / Math.sqrt(w.value("bn/moving_variance")[c] + 0.001)
                    * w.value("bn/gamma")[c] + w.value("bn/beta")[c]);
        }
        Tensor sum = Ops.add(Ops.relu(bn, 6f), conv);
        float[] expected = Ops.dense(sum, w.value("fc/kernel"), new int[] { 36, 5 }, w.value("fc/bias"), "softmax").data();
        float[] actual = model.predict(input);
        assertEquals(5, actual.length);
        for (int i = 0; i < 5; i++) {
            assertEquals(expected[i], actual[i], 1e-5, "class " + i);
        }
    }

    @Test
    void layersTheConverterDoesNotKnowAreRefusedAtLoad() {
        String input = layer("InputLayer", "in", List.of(), "\"batch_input_shape\":[null,4,4,3]");
        IOException unknown = assertThrows(IOException.class, () -> load(input, layer("LSTM", "out", List.of("in"), "")));
        assertTrue(unknown.getMessage().contains("LSTM"), unknown.getMessage());
        IOException leaky = assertThrows(IOException.class, () -> load(input, layer("ReLU", "out", List.of("in"), "\"negative_slope\":0.1")));
        assertTrue(leaky.getMessage().contains("leaky"), leaky.getMessage());
        IOException padIntoAdd = assertThrows(IOException.class, () -> load(input, layer("ZeroPadding2D", "pad", List.of("in"),
                "\"padding\":[[1,1],[1,1]]"), layer("Add", "out", List.of("pad", "pad"), "")));
        assertTrue(padIntoAdd.getMessage().contains("ZeroPadding2D"), padIntoAdd.getMessage());
    }

    /** Weights in TF.js's uint8 quantisation; value() is what the model de-quantises them to. */
    private static final class Weights {
        final ByteArrayOutputStream bin = new ByteArrayOutputStream();
        final StringBuilder manifest = new StringBuilder();
        final Map<String, float[]> values = new java.util.HashMap<>();

        void add(String name, java.util.SplittableRandom random, int... shape) {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            double min = name.endsWith("variance") ? 0.05 : -1.0;
            double scale = 2.0 / 255;
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                int q = random.nextInt(256);
                bin.write(q);
                v[i] = (float) (q * scale + min);
            }
            values.put(name, v);
            manifest.append(manifest.length() == 0 ? "" : ",").append("{\"name\":\"").append(name).append("\",\"shape\":")
                    .append(java.util.Arrays.toString(shape)).append(",\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint8\",\"min\":")
                    .append(min).append(",\"scale\":").append(scale).append("}}");
        }

        float[] value(String name) {
            return values.get(name);
        }

        byte[] bytes() {
            return bin.toByteArray();
        }
    }

    private static String layer(String kind, String name, List<String> inputs, String config) {
        StringBuilder inbound = new StringBuilder();
        for (String in : inputs) {
            inbound.append(inbound.length() == 0 ? "" : ",").append("[\"").append(in).append("\",0,0,{}]");
        }
        return "{\"class_name\":\"" + kind + "\",\"config\":{\"name\":\"" + name + "\"" + (config.isEmpty() ? "" : "," + config)
                + "},\"inbound_nodes\":" + (inputs.isEmpty() ? "[]" : "[[" + inbound + "]]") + "}";
    }

    private static String model(Weights w, String... layers) {
        return "{\"modelTopology\":{\"model_config\":{\"config\":{\"layers\":[" + String.join(",", layers) + "],\"output_layers\":[[\""
                + layerName(layers[layers.length - 1]) + "\",0,0]]}}},\"weightsManifest\":[{\"weights\":[" + (w == null ? "" : w.manifest)
                + "]}]}";
    }

    private static String layerName(String layer) {
        int i = layer.indexOf("\"name\":\"") + 8;
        return layer.substring(i, layer.indexOf('"', i));
    }

    private static void load(String... layers) throws IOException {
        new KerasModel(new ByteArrayInputStream(model(null, layers).getBytes(StandardCharsets.UTF_8)), new ByteArrayInputStream(new byte[0]));
    }
}
