package io.safeframe.provenance.c2pa;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

/**
 * Finds and checks the active C2PA manifest of a JPEG, PNG or MP4: every created assertion's hash, the claim's
 * COSE_Sign1 signature against its x5chain certificate, and the hard binding (c2pa.hash.data or
 * c2pa.hash.bmff.v2) against the bytes. Trust in the signer is a separate question (no trust list here): a
 * manifest can be valid and its signer unknown. The independent check is the C2PA reference implementation
 * (c2pa-wasm) in the tests. Digests are compared with {@link MessageDigest#isEqual}: a hash field that is not a CBOR
 * byte string reads as null, which that comparison simply finds unequal (C2paReaderFuzzTest feeds such fields).
 */
public final class C2paReader {

    public record Result(boolean present, boolean valid, List<String> problems, String manifestLabel, String signer) {
        static Result absent() {
            return new Result(false, false, List.of(), null, null);
        }
    }

    private record Box(String type, byte[] payload, String label, List<Box> children) {
        Box child(String wanted) {
            return children.stream().filter(c -> wanted.equals(c.label)).findFirst().orElse(null);
        }

        byte[] cbor() {
            return children.stream().filter(c -> c.type.equals("cbor")).map(Box::payload).findFirst().orElse(null);
        }
    }

    private static final CBORMapper CBOR = new CBORMapper();

    private C2paReader() {
    }

    public static Result read(byte[] media, String mediaType) {
        byte[] store;
        try {
            store = switch (mediaType) {
                case "image/jpeg" -> jpegStore(media);
                case "image/png" -> pngStore(media);
                default -> mp4Store(media);
            };
        } catch (RuntimeException e) {
            return new Result(false, false, List.of("the file could not be parsed: " + e.getMessage()), null, null);
        }
        if (store == null) {
            return Result.absent();
        }
        List<String> problems = new ArrayList<>();
        try {
            Box root = parse(store, 0, store.length).get(0);
            List<Box> manifests = root.children.stream().filter(c -> c.type.equals("jumb")).toList();
            Box manifest = manifests.get(manifests.size() - 1);
            Box assertions = manifest.child("c2pa.assertions");
            Box claimBox = manifest.child("c2pa.claim.v2") != null ? manifest.child("c2pa.claim.v2") : manifest.child("c2pa.claim");
            Box signatureBox = manifest.child("c2pa.signature");
            if (assertions == null || claimBox == null || signatureBox == null) {
                return new Result(true, false, List.of("manifest " + manifest.label + " lacks its assertions, claim or signature"), manifest.label, null);
            }
            byte[] claimBytes = claimBox.cbor();
            JsonNode claim = CBOR.readTree(claimBytes);
            JsonNode created = claim.has("created_assertions") ? claim.get("created_assertions") : claim.get("assertions");
            Map<String, Box> byLabel = new LinkedHashMap<>();
            for (Box a : assertions.children) {
                if (a.label != null) {
                    byLabel.put(a.label, a);
                }
            }
            for (JsonNode ref : created) {
                String url = ref.get("url").asText();
                String label = url.substring(url.lastIndexOf('/') + 1);
                Box a = byLabel.get(label);
                if (a == null) {
                    problems.add("assertion.missing: " + label);
                } else if (!MessageDigest.isEqual(ref.get("hash").binaryValue(), C2paManifest.sha256(a.payload))) {
                    problems.add("assertion.hashedURI.mismatch: " + label);
                }
            }
            String signer = checkSignature(signatureBox.cbor(), claimBytes, problems);
            checkHardBinding(media, mediaType, byLabel, problems);
            return new Result(true, problems.isEmpty(), List.copyOf(problems), manifest.label, signer);
        } catch (IOException | RuntimeException e) {
            problems.add("the manifest could not be read: " + e.getMessage());
            return new Result(true, false, List.copyOf(problems), null, null);
        }
    }

    private static String checkSignature(byte[] cose, byte[] claim, List<String> problems) throws IOException {
        JsonNode sign1 = CBOR.readTree(cose);
        byte[] protectedHeader = sign1.get(0).binaryValue();
        byte[] signature = sign1.get(3).binaryValue();
        JsonNode header = CBOR.readTree(protectedHeader);
        if (header.get("1") == null || header.get("1").asInt() != -7) {
            problems.add("claimSignature: only ES256 (-7) is checked here");
            return null;
        }
        JsonNode x5chain = header.get("33");
        byte[] leaf = x5chain.isArray() ? x5chain.get(0).binaryValue() : x5chain.binaryValue();
        try {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(leaf));
            Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
            ecdsa.initVerify(cert.getPublicKey());
            ecdsa.update(Cbor.encode(List.of("Signature1", protectedHeader, new byte[0], claim)));
            if (!ecdsa.verify(signature)) {
                problems.add("claimSignature.mismatch");
            }
            return cert.getSubjectX500Principal().getName();
        } catch (GeneralSecurityException e) {
            problems.add("claimSignature: " + e.getMessage());
            return null;
        }
    }

    private static void checkHardBinding(byte[] media, String mediaType, Map<String, Box> assertions, List<String> problems) throws IOException {
        Box data = assertions.get("c2pa.hash.data");
        Box bmff = assertions.get("c2pa.hash.bmff.v2");
        if (data != null) {
            JsonNode hash = CBOR.readTree(data.cbor());
            MessageDigest sha = digest();
            long at = 0;
            for (JsonNode ex : hash.get("exclusions")) {
                long start = ex.get("start").asLong();
                sha.update(media, (int) at, (int) (start - at));
                at = start + ex.get("length").asLong();
            }
            sha.update(media, (int) at, media.length - (int) at);
            if (!MessageDigest.isEqual(sha.digest(), hash.get("hash").binaryValue())) {
                problems.add("assertion.dataHash.mismatch");
            }
        } else if (bmff != null) {
            JsonNode hash = CBOR.readTree(bmff.cbor());
            for (JsonNode ex : hash.get("exclusions")) {
                String xpath = ex.get("xpath").asText();
                if (!List.of("/uuid", "/ftyp", "/mfra").contains(xpath)) {
                    problems.add("assertion.bmffHash: exclusion " + xpath + " is not checked here");
                    return;
                }
            }
            if (!MessageDigest.isEqual(bmffV2Hash(media), hash.get("hash").binaryValue())) {
                problems.add("assertion.bmffHash.mismatch");
            }
        } else {
            problems.add("claim.hardBindings.missing");
        }
    }

    /** Every top-level box except ftyp, mfra and the C2PA uuid box, each preceded by its offset (u64, big-endian). */
    static byte[] bmffV2Hash(byte[] mp4) {
        MessageDigest sha = digest();
        for (long[] box : C2paEmbedder.topLevelBoxes(mp4)) {
            int offset = (int) box[0];
            int size = (int) box[1];
            String type = new String(mp4, offset + 4, 4, StandardCharsets.US_ASCII);
            if (type.equals("ftyp") || type.equals("mfra") || C2paEmbedder.isC2paBox(mp4, offset, size)) {
                continue;
            }
            sha.update(ByteBuffer.allocate(8).putLong(offset).array());
            sha.update(mp4, offset, size);
        }
        return sha.digest();
    }

    private static List<Box> parse(byte[] b, int from, int to) {
        List<Box> boxes = new ArrayList<>();
        int at = from;
        while (at + 8 <= to) {
            int size = ByteBuffer.wrap(b, at, 4).getInt();
            if (size < 8 || at + size > to) {
                throw new IllegalArgumentException("JUMBF box at " + at + " has a bad length");
            }
            String type = new String(b, at + 4, 4, StandardCharsets.US_ASCII);
            byte[] payload = Arrays.copyOfRange(b, at + 8, at + size);
            if (type.equals("jumb")) {
                List<Box> children = parse(b, at + 8, at + size);
                Box description = children.get(0);
                byte[] d = description.payload;
                int end = 17;
                while (end < d.length && d[end] != 0) {
                    end++;
                }
                String label = (d[16] & 0x02) != 0 ? new String(d, 17, end - 17, StandardCharsets.UTF_8) : null;
                boxes.add(new Box(type, payload, label, children.subList(1, children.size())));
            } else {
                boxes.add(new Box(type, payload, null, List.of()));
            }
            at += size;
        }
        return boxes;
    }

    private static byte[] jpegStore(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
            throw new IllegalArgumentException("not a JPEG");
        }
        ByteArrayOutputStream store = new ByteArrayOutputStream();
        int i = 2;
        while (i + 4 <= jpeg.length && (jpeg[i] & 0xFF) == 0xFF) {
            int marker = jpeg[i + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) {
                break; // image data follows: no more metadata segments
            }
            int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            if (marker == 0xEB && length > 10 && jpeg[i + 4] == 'J' && jpeg[i + 5] == 'P') {
                int z = ByteBuffer.wrap(jpeg, i + 8, 4).getInt();
                int skip = z == 1 ? 8 : 16;
                store.write(jpeg, i + 4 + skip, length - 2 - skip);
            }
            i += 2 + length;
        }
        return store.size() == 0 ? null : store.toByteArray();
    }

    private static byte[] pngStore(byte[] png) {
        int at = 8;
        while (at + 12 <= png.length) {
            int length = ByteBuffer.wrap(png, at, 4).getInt();
            String type = new String(png, at + 4, 4, StandardCharsets.US_ASCII);
            if (type.equals("caBX")) {
                return Arrays.copyOfRange(png, at + 8, at + 8 + length);
            }
            at += 12 + length;
        }
        return null;
    }

    private static byte[] mp4Store(byte[] mp4) {
        for (long[] box : C2paEmbedder.topLevelBoxes(mp4)) {
            int offset = (int) box[0];
            int size = (int) box[1];
            if (C2paEmbedder.isC2paBox(mp4, offset, size)) {
                int at = offset + 8 + 16 + 4;
                while (mp4[at] != 0) {
                    at++;
                }
                at += 1 + 8; // purpose terminator, Merkle offset
                return Arrays.copyOfRange(mp4, at, offset + size);
            }
        }
        return null;
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
