package io.safeframe.provenance.manifest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Puts a signed manifest store into a JPEG (APP11 JPEG-XT segments) or PNG ({@code caBX} chunk) with a
 * {@code c2pa.hash.data} hard binding. The binding excludes exactly the inserted bytes, so its hash is the hash of
 * the file as it was; the exclusion length depends on the store's size, which depends on the length written in
 * it, so the store is rebuilt until both agree (one or two rounds).
 */
public final class C2paEmbedder {

    private static final int JPEG_SEGMENT_DATA = 64_000;

    private final ClaimSigner signer;

    public C2paEmbedder(ClaimSigner signer) {
        this.signer = signer;
    }

    /**
     * The marked media with its manifest, the manifest's label (its C2PA identifier) and the JUMBF manifest store
     * itself: the registry keeps the store, so a copy whose manifest was stripped can get it back through its
     * soft binding (the C2PA soft-binding resolution API, docs/watermark.md).
     */
    public record Signed(byte[] media, String manifestLabel, byte[] manifestSha256, byte[] store) {
    }

    public Signed sign(byte[] media, String mediaType, String generatorName, String generatorVersion, String watermarkPayloadHex) {
        return sign(media, mediaType, generatorName, generatorVersion, watermarkPayloadHex, java.util.List.of());
    }

    /** As above, asserting the consent of every enrolled person the asset shows (likeness registry reference ids). */
    public Signed sign(byte[] media, String mediaType, String generatorName, String generatorVersion, String watermarkPayloadHex,
            java.util.List<String> consentReferenceIds) {
        C2paManifest manifest = new C2paManifest(new C2paManifest.Facts(generatorName, generatorVersion, watermarkPayloadHex,
                consentReferenceIds), signer);
        if (mediaType.equals("video/mp4")) {
            return signMp4(media, manifest);
        }
        boolean png = switch (mediaType) {
            case "image/png" -> true;
            case "image/jpeg" -> false;
            default -> throw new IllegalArgumentException("C2PA embedding supports video/mp4, image/png and image/jpeg, not " + mediaType);
        };
        int at = png ? pngInsertionPoint(media) : jpegInsertionPoint(media);
        byte[] hash = C2paManifest.sha256(media);
        long length = 0;
        for (int round = 0; round < 5; round++) {
            byte[] store = manifest.store(at, length, hash);
            byte[] wrapped = png ? pngChunk(store) : jpegSegments(store);
            if (wrapped.length == length) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(media.length + wrapped.length);
                out.write(media, 0, at);
                out.writeBytes(wrapped);
                out.write(media, at, media.length - at);
                return new Signed(out.toByteArray(), manifest.label(), C2paManifest.sha256(store), store);
            }
            length = wrapped.length;
        }
        throw new IllegalStateException("manifest size did not settle");
    }

    static final byte[] C2PA_BOX_UUID = Bmff.C2PA_BOX_UUID;

    /**
     * MP4: the store goes into a top-level {@code uuid} box appended after the last box, so no chunk offset in moov
     * moves and the BMFF v2 hash (every other top-level box but ftyp/mfra, each prefixed by its offset) is the
     * hash of the file as it was.
     */
    private static Signed signMp4(byte[] mp4, C2paManifest manifest) {
        byte[] store = manifest.bmffStore(Bmff.v2Hash(mp4));
        byte[] purpose = "manifest".getBytes(StandardCharsets.US_ASCII);
        int size = 8 + 16 + 4 + purpose.length + 1 + 8 + store.length;
        ByteBuffer box = ByteBuffer.allocate(size);
        box.putInt(size).put("uuid".getBytes(StandardCharsets.US_ASCII)).put(C2PA_BOX_UUID).putInt(0) // version 0, flags 0
                .put(purpose).put((byte) 0).putLong(0) // no Merkle tree
                .put(store);
        byte[] out = java.util.Arrays.copyOf(mp4, mp4.length + size);
        System.arraycopy(box.array(), 0, out, mp4.length, size);
        return new Signed(out, manifest.label(), C2paManifest.sha256(store), store);
    }

    /** After SOI and any APP0 (JFIF wants APP0 first), as the reference implementation does. */
    static int jpegInsertionPoint(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
            throw new IllegalArgumentException("not a JPEG (no SOI marker)");
        }
        int i = 2;
        while (i + 4 <= jpeg.length && (jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xE0) {
            i += 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
        }
        if (i > jpeg.length) {
            throw new IllegalArgumentException("truncated JPEG header");
        }
        return i;
    }

    /** ISO 19566-5 JPEG-XT boxes: CI "JP", box instance 0x0211, packet sequence Z; later packets repeat LBox/TBox. */
    static byte[] jpegSegments(byte[] store) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int z = 1;
        for (int off = 0; off < store.length; off += JPEG_SEGMENT_DATA, z++) {
            int n = Math.min(JPEG_SEGMENT_DATA, store.length - off);
            int extra = off == 0 ? 0 : 8;
            ByteBuffer seg = ByteBuffer.allocate(4 + 8 + extra + n);
            seg.put((byte) 0xFF).put((byte) 0xEB).putShort((short) (2 + 8 + extra + n));
            seg.put((byte) 'J').put((byte) 'P').putShort((short) 0x0211).putInt(z);
            if (extra > 0) {
                seg.put(store, 0, 8);
            }
            seg.put(store, off, n);
            out.writeBytes(seg.array());
        }
        return out.toByteArray();
    }

    /** Right after IHDR, the first chunk. */
    static int pngInsertionPoint(byte[] png) {
        byte[] signature = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
        if (png.length < 33 || !java.util.Arrays.equals(java.util.Arrays.copyOf(png, 8), signature)
                || !new String(png, 12, 4, StandardCharsets.US_ASCII).equals("IHDR")) {
            throw new IllegalArgumentException("not a PNG (no signature / IHDR)");
        }
        return 8 + 4 + 4 + 13 + 4;
    }

    static byte[] pngChunk(byte[] store) {
        ByteBuffer chunk = ByteBuffer.allocate(12 + store.length);
        chunk.putInt(store.length).put("caBX".getBytes(StandardCharsets.US_ASCII)).put(store);
        CRC32 crc = new CRC32();
        crc.update(chunk.array(), 4, 4 + store.length);
        chunk.putInt((int) crc.getValue());
        return chunk.array();
    }
}
