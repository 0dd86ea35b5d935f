package io.safeframe.provenance.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz test of the C2PA reader on hostile files. The first input byte picks a media type and whether the rest
 * is the whole file or a manifest store (JUMBF boxes holding CBOR) that the test wraps in a well-formed container
 * (JPEG APP11 segments, a PNG caBX chunk, an MP4 uuid box) so the fuzzer works on the JUMBF/CBOR directly.
 * Whatever the bytes, {@link C2paReader#read} must return a consistent result ("no manifest", or present with its
 * problems listed) and never throw; an Error (stack overflow, out of memory) or a result that says "valid" without a
 * signer is a finding, and so is allocating far more than the file's size (a declared length is not a licence to
 * allocate it).
 */
class C2paReaderFuzzTest {

    private static final String[] TYPES = { "image/jpeg", "image/png", "video/mp4" };
    // Certificate parsing, Jackson's CBOR buffers and the digests need a few MB whatever the size of the file.
    private static final long ALLOCATION_BASE = 16L << 20;
    private static final long ALLOCATION_PER_BYTE = 64;
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @FuzzTest(maxDuration = "10s")
    void read(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int mode = input[0] & 0xFF;
        String type = TYPES[mode % 3];
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        byte[] media = (mode / 3) % 2 == 0 ? rest : wrap(type, rest);

        long limit = ALLOCATION_BASE + ALLOCATION_PER_BYTE * media.length;
        long before = THREADS.getCurrentThreadAllocatedBytes();
        C2paReader.Result result = C2paReader.read(media, type);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        for (int retry = 0; retry < 3 && allocated > limit; retry++) {
            // The first reads of a new path also pay for loading (and Jazzer instrumenting) classes on this thread;
            // what the reader itself allocates repeats, so only a path that stays over the limit is a finding.
            before = THREADS.getCurrentThreadAllocatedBytes();
            C2paReader.read(media, type);
            allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        }
        assertTrue(allocated <= limit, "reading " + media.length + " bytes allocated " + allocated + " bytes");
        assertNotNull(result.problems());
        if (result.valid()) {
            assertTrue(result.present(), "valid but not present");
            assertTrue(result.signatureValid(), "valid without a valid signature");
            // an intact manifest may still be untrusted (no anchor here): that is its only allowed problem
            assertTrue(result.problems().stream().allMatch(p -> p.startsWith("signingCredential.")), "valid with problems " + result.problems());
            assertNotNull(result.signer(), "valid without a signer");
        }
        assertFalse(result.trusted() && !result.valid(), "trusted but not intact");
        if (result.present() && !result.valid()) {
            assertFalse(result.problems().isEmpty(), "invalid without a reason");
        }
        // the same bytes, the same answer (verify responses are compared and cached by clients)
        assertEquals(result, C2paReader.read(media, type));
    }

    /** A well-formed file of the type carrying {@code store} where the reader looks for the manifest store. */
    static byte[] wrap(String type, byte[] store) {
        return switch (type) {
            case "image/jpeg" -> concat(new byte[] { (byte) 0xFF, (byte) 0xD8 }, C2paEmbedder.jpegSegments(store),
                    new byte[] { (byte) 0xFF, (byte) 0xD9 });
            case "image/png" -> concat(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' }, C2paEmbedder.pngChunk(store));
            default -> concat(ftyp(), uuidBox(store));
        };
    }

    private static byte[] ftyp() {
        return ByteBuffer.allocate(16).putInt(16).put(ascii("ftyp")).put(ascii("isom")).putInt(0x200).array();
    }

    /** The C2PA uuid box as the embedder writes it: extended type, version/flags, purpose "manifest", no Merkle offset. */
    private static byte[] uuidBox(byte[] store) {
        byte[] purpose = ascii("manifest");
        int size = 8 + 16 + 4 + purpose.length + 1 + 8 + store.length;
        return ByteBuffer.allocate(size).putInt(size).put(ascii("uuid")).put(C2paEmbedder.C2PA_BOX_UUID).putInt(0).put(purpose)
                .put((byte) 0).putLong(0).put(store).array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer out = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            out.put(p);
        }
        return out.array();
    }
}
