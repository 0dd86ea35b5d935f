package io.safeframe.provenance.manifest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * JUMBF boxes (ISO/IEC 19566-5) as C2PA uses them: a superbox {@code jumb} starts with a description box
 * {@code jumd} (content-type UUID, toggles, label) followed by its content boxes.
 */
final class Jumbf {

    // content types (C2PA specification, "JUMBF boxes"; the same values as c2pa-rs jumbf/boxes.rs)
    static final String MANIFEST_STORE = "6332706100110010800000AA00389B71"; // c2pa
    static final String MANIFEST = "63326D6100110010800000AA00389B71"; // c2ma
    static final String ASSERTION_STORE = "6332617300110010800000AA00389B71"; // c2as
    static final String CBOR = "63626F7200110010800000AA00389B71"; // cbor
    static final String CLAIM = "6332636C00110010800000AA00389B71"; // c2cl
    static final String SIGNATURE = "6332637300110010800000AA00389B71"; // c2cs

    /** Requestable, label present. */
    private static final int TOGGLES = 0x03;

    private Jumbf() {
    }

    static byte[] box(String type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putInt(8 + payload.length).put(type.getBytes(StandardCharsets.US_ASCII)).put(payload);
        return b.array();
    }

    static byte[] superBox(String contentType, String label, byte[]... children) {
        return box("jumb", superBoxPayload(contentType, label, children));
    }

    /** What a superbox holds after its own header: the hash of an assertion is taken over exactly this. */
    static byte[] superBoxPayload(String contentType, String label, byte[]... children) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] name = label.getBytes(StandardCharsets.UTF_8);
        ByteBuffer description = ByteBuffer.allocate(16 + 1 + name.length + 1);
        description.put(HexFormat.of().parseHex(contentType)).put((byte) TOGGLES).put(name).put((byte) 0);
        out.writeBytes(box("jumd", description.array()));
        for (byte[] child : children) {
            out.writeBytes(child);
        }
        return out.toByteArray();
    }

    static byte[] cborAssertion(String label, byte[] cbor) {
        return superBox(CBOR, label, box("cbor", cbor));
    }
}
