package io.safeframe.provenance.manifest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** ISO BMFF (MP4) top-level boxes as C2PA sees them: where the manifest box is, and the v2 hard-binding hash. */
public final class Bmff {

    /** The C2PA extended type of the uuid box that carries the manifest store (d8fec3d6-1b0e-483c-9297-5828877ec481). */
    public static final byte[] C2PA_BOX_UUID = HexFormat.of().parseHex("d8fec3d61b0e483c92975828877ec481");

    public record Box(long offset, long size, String type) {
    }

    private Bmff() {
    }

    /** Every top-level box; 64-bit sizes and "to the end" (0) handled, anything that runs past the end refused. */
    public static List<Box> topLevelBoxes(MediaBytes media) throws IOException {
        List<Box> boxes = new ArrayList<>();
        long length = media.size();
        long offset = 0;
        byte[] header = new byte[16];
        while (offset + 8 <= length) {
            media.read(offset, header, 0, 8);
            ByteBuffer b = ByteBuffer.wrap(header);
            long size = Integer.toUnsignedLong(b.getInt(0));
            String type = new String(header, 4, 4, StandardCharsets.US_ASCII);
            if (size == 1) {
                media.read(offset + 8, header, 8, 8);
                size = b.getLong(8);
            } else if (size == 0) {
                size = length - offset;
            }
            if (size < 8 || offset + size > length) {
                throw new IllegalArgumentException("not an ISO BMFF file (box at " + offset + " runs past the end)");
            }
            boxes.add(new Box(offset, size, type));
            offset += size;
        }
        if (offset != length || boxes.isEmpty() || !boxes.get(0).type().equals("ftyp")) {
            throw new IllegalArgumentException("not an MP4 (no ftyp box first, or trailing bytes)");
        }
        return boxes;
    }

    public static List<Box> topLevelBoxes(byte[] mp4) {
        try {
            return topLevelBoxes(MediaBytes.of(mp4));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** Whether the box is a C2PA manifest box (uuid with the C2PA extended type). */
    public static boolean isC2pa(MediaBytes media, Box box) throws IOException {
        return box.size() >= 24 && box.type().equals("uuid") && Arrays.equals(media.read(box.offset() + 8, 16), C2PA_BOX_UUID);
    }

    /** Every top-level box except ftyp, mfra and the C2PA uuid box, each preceded by its offset (u64, big-endian). */
    public static byte[] v2Hash(MediaBytes media) throws IOException {
        MessageDigest sha = Hashing.sha256();
        for (Box box : topLevelBoxes(media)) {
            if (box.type().equals("ftyp") || box.type().equals("mfra") || isC2pa(media, box)) {
                continue;
            }
            sha.update(ByteBuffer.allocate(8).putLong(box.offset()).array());
            media.digest(sha, box.offset(), box.size());
        }
        return sha.digest();
    }

    public static byte[] v2Hash(byte[] mp4) {
        try {
            return v2Hash(MediaBytes.of(mp4));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }
}
