package io.safeframe.frames.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.CodedOutputStream;

/**
 * Writes a small ONNX model (a graph of float tensors) as protobuf bytes with protobuf-java's encoder, so a model
 * converted at load needs no ONNX tooling. Only the fields we use are written; their numbers are those of onnx.proto
 * (ONNX IR version 8, default operator set 13): ModelProto ir_version 1, graph 7, opset_import 8; GraphProto node 1,
 * name 2, initializer 5, input 11, output 12; NodeProto input 1, output 2, name 3, op_type 4, attribute 5;
 * AttributeProto name 1, f 2, i 3, ints 8, type 20 (FLOAT 1, INT 2, INTS 7); TensorProto dims 1, data_type 2
 * (FLOAT 1), name 8, raw_data 9 (little-endian); ValueInfoProto name 1, type 2; TypeProto tensor_type 1; its Tensor
 * elem_type 1, shape 2; TensorShapeProto dim 1; Dimension dim_value 1.
 */
final class OnnxGraph {

    static final long IR_VERSION = 8;
    static final long OPSET = 13;

    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private int names;

    /** An attribute of a node: an int, a float or a list of ints. */
    record Attribute(String name, Long i, Float f, long[] ints) {
        static Attribute i(String name, long value) {
            return new Attribute(name, value, null, null);
        }

        static Attribute f(String name, float value) {
            return new Attribute(name, null, value, null);
        }

        static Attribute ints(String name, long... values) {
            return new Attribute(name, null, null, values);
        }
    }

    /** A fresh value name. */
    String name(String prefix) {
        return prefix + "_" + names++;
    }

    void input(String name, long... dims) {
        inputs.add(valueInfo(name, dims));
    }

    void output(String name, long... dims) {
        outputs.add(valueInfo(name, dims));
    }

    /** A constant float tensor; returns its name. */
    String constant(String prefix, float[] values, long... dims) {
        String name = name(prefix);
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        initializers.add(message(out -> {
            for (long d : dims) {
                out.writeInt64(1, d);
            }
            out.writeInt32(2, 1);
            out.writeString(8, name);
            out.writeByteArray(9, raw.array());
        }));
        return name;
    }

    /** Adds a node; returns the name of its (single) output. */
    String node(String op, List<String> in, Attribute... attributes) {
        String output = name(op.toLowerCase(java.util.Locale.ROOT));
        nodes.add(message(out -> {
            for (String i : in) {
                out.writeString(1, i);
            }
            out.writeString(2, output);
            out.writeString(3, output);
            out.writeString(4, op);
            for (Attribute a : attributes) {
                out.writeByteArray(5, attribute(a));
            }
        }));
        return output;
    }

    /** The whole model. */
    byte[] toBytes() {
        byte[] graph = message(out -> {
            for (byte[] n : nodes) {
                out.writeByteArray(1, n);
            }
            out.writeString(2, "graph");
            for (byte[] t : initializers) {
                out.writeByteArray(5, t);
            }
            for (byte[] v : inputs) {
                out.writeByteArray(11, v);
            }
            for (byte[] v : outputs) {
                out.writeByteArray(12, v);
            }
        });
        byte[] opset = message(out -> {
            out.writeString(1, "");
            out.writeInt64(2, OPSET);
        });
        return message(out -> {
            out.writeInt64(1, IR_VERSION);
            out.writeByteArray(7, graph);
            out.writeByteArray(8, opset);
        });
    }

    private static byte[] attribute(Attribute a) {
        return message(out -> {
            out.writeString(1, a.name());
            if (a.i() != null) {
                out.writeInt64(3, a.i());
                out.writeInt32(20, 2);
            } else if (a.f() != null) {
                out.writeFloat(2, a.f());
                out.writeInt32(20, 1);
            } else {
                for (long v : a.ints()) {
                    out.writeInt64(8, v);
                }
                out.writeInt32(20, 7);
            }
        });
    }

    private static byte[] valueInfo(String name, long[] dims) {
        byte[] shape = message(out -> {
            for (long d : dims) {
                out.writeByteArray(1, message(dim -> dim.writeInt64(1, d)));
            }
        });
        byte[] tensor = message(out -> {
            out.writeInt32(1, 1);
            out.writeByteArray(2, shape);
        });
        return message(out -> {
            out.writeString(1, name);
            out.writeByteArray(2, message(type -> type.writeByteArray(1, tensor)));
        });
    }

    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Fields fields) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            fields.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
