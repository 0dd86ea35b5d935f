package io.safeframe.provenance.manifest;

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
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;

/**
 * Finds and checks the active C2PA manifest of a JPEG, PNG or MP4: every created assertion's hash, the claim's
 * COSE_Sign1 signature against its x5chain certificate, and the hard binding (c2pa.hash.data or
 * c2pa.hash.bmff.v2) against the bytes (digests compared with MessageDigest.isEqual: a hash field that is not a CBOR
 * byte string reads as null, which it finds unequal — and Jazzer 0.24's hook for Arrays.equals crashes the JVM on null); then, separately, whether the signer is trusted ({@link SignerTrust}).
 *
 * <p>Memory: the media is read through {@link MediaBytes} (a file, not a heap copy), hashed through a 64 KiB
 * buffer; only the manifest store itself (at most {@link #MAX_STORE} bytes) is held, once, and every JUMBF box is a
 * range of it, not a copy.
 */
public final class C2paReader {

    /** A manifest store larger than this is refused rather than read (ours are a few KiB). */
    public static final int MAX_STORE = 4 << 20;

    /**
     * {@code valid}: the manifest is intact (assertions, signature, hard binding). {@code signatureValid}: the claim
     * signature matches the certificate in the manifest. {@code trusted}: valid, and that certificate leads to a
     * configured trust anchor. {@code signerKeyId}: the signer certificate's key id ({@link #keyIdOf}), matched
     * against our C2PA key ring to say which of our keys signed.
     */
    public record Result(boolean present, boolean valid, boolean signatureValid, boolean trusted, List<String> problems, String manifestLabel,
            String signer, String signerKeyId) {
        static Result absent() {
            return new Result(false, false, false, false, List.of(), null, null, null);
        }

        static Result unreadable(boolean present, String problem) {
            return new Result(present, false, false, false, List.of(problem), null, null, null);
        }
    }

    /** The key id of a signer certificate: 16 hex of SHA-256 over its public key (the C2PA key ring's ids). */
    public static String keyIdOf(X509Certificate signer) {
        return io.safeframe.keyring.KeyRing.fingerprint(signer.getPublicKey().getEncoded(), 16);
    }

    /** A box as a range of the store: its payload is {@code store[start, end)}. */
    private record Box(String type, int start, int end, String label, List<Box> children) {
        Box child(String wanted) {
            return children.stream().filter(c -> wanted.equals(c.label)).findFirst().orElse(null);
        }

        Box cbor() {
            return children.stream().filter(c -> c.type.equals("cbor")).findFirst().orElse(null);
        }

        int length() {
            return end - start;
        }
    }

    private static final CBORMapper CBOR = new CBORMapper();

    private C2paReader() {
    }

    /** Without trust anchors: {@code trusted} is always false. */
    public static Result read(byte[] media, String mediaType) {
        return read(MediaBytes.of(media), mediaType, SignerTrust.NONE);
    }

    public static Result read(MediaBytes media, String mediaType, SignerTrust trust) {
        byte[] store;
        try {
            store = switch (mediaType) {
                case "image/jpeg" -> jpegStore(media);
                case "image/png" -> pngStore(media);
                default -> mp4Store(media);
            };
        } catch (IOException | RuntimeException e) {
            return Result.unreadable(false, "the file could not be parsed: " + describe(e));
        }
        if (store == null) {
            return Result.absent();
        }
        List<String> problems = new ArrayList<>();
        try {
            Box root = parse(store, 0, store.length, 0).get(0);
            List<Box> manifests = root.children.stream().filter(c -> c.type.equals("jumb")).toList();
            Box manifest = manifests.get(manifests.size() - 1);
            Box assertions = manifest.child("c2pa.assertions");
            Box claimBox = manifest.child("c2pa.claim.v2") != null ? manifest.child("c2pa.claim.v2") : manifest.child("c2pa.claim");
            Box signatureBox = manifest.child("c2pa.signature");
            if (assertions == null || claimBox == null || signatureBox == null) {
                return new Result(true, false, false, false, List.of("manifest " + manifest.label + " lacks its assertions, claim or signature"),
                        manifest.label, null, null);
            }
            Box claimCbor = claimBox.cbor();
            byte[] claimBytes = Arrays.copyOfRange(store, claimCbor.start, claimCbor.end); // signed as a whole: one small copy
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
                } else if (!java.security.MessageDigest.isEqual(ref.get("hash").binaryValue(), Hashing.sha256(store, a.start, a.length()))) {
                    problems.add("assertion.hashedURI.mismatch: " + label);
                }
            }
            Box cose = signatureBox.cbor();
            Signer signer = checkSignature(CBOR.readTree(store, cose.start, cose.length()), claimBytes, problems);
            checkHardBinding(media, store, byLabel, problems);
            boolean valid = problems.isEmpty();
            boolean trusted = false;
            if (valid) {
                // trust is asked only of an intact manifest: a broken one is not trusted whoever signed it
                SignerTrust.Verdict verdict = trust.check(signer.chain, new Date());
                trusted = verdict.trusted();
                if (!trusted) {
                    problems.add(verdict.problem());
                }
            }
            return new Result(true, valid, signer.signatureValid, trusted, List.copyOf(problems), manifest.label,
                    signer.certificate == null ? null : signer.certificate.getSubjectX500Principal().getName(),
                    signer.certificate == null ? null : keyIdOf(signer.certificate));
        } catch (IOException | RuntimeException e) {
            problems.add("the manifest could not be read: " + describe(e));
            return new Result(true, false, false, false, List.copyOf(problems), null, null, null);
        }
    }

    /**
     * A stable description of why reading failed: the same bytes must give the same answer, but the JVM's implicit
     * exceptions (a null field, a bad index or cast) carry detailed messages only until the code is compiled
     * (found by C2paReaderFuzzTest), so those are named by their type.
     */
    private static String describe(Exception e) {
        if (e instanceof NullPointerException || e instanceof IndexOutOfBoundsException || e instanceof ClassCastException
                || e instanceof ArithmeticException || e instanceof NegativeArraySizeException || e.getMessage() == null) {
            return "malformed (" + e.getClass().getSimpleName() + ")";
        }
        return e.getMessage();
    }

    private record Signer(X509Certificate certificate, List<X509Certificate> chain, boolean signatureValid) {
    }

    private static Signer checkSignature(JsonNode sign1, byte[] claim, List<String> problems) throws IOException {
        byte[] protectedHeader = sign1.get(0).binaryValue();
        byte[] signature = sign1.get(3).binaryValue();
        JsonNode header = CBOR.readTree(protectedHeader);
        if (header.get("1") == null || header.get("1").asInt() != -7) {
            problems.add("claimSignature: only ES256 (-7) is checked here");
            return new Signer(null, List.of(), false);
        }
        JsonNode x5chain = header.get("33");
        List<byte[]> encoded = new ArrayList<>();
        if (x5chain.isArray()) {
            for (JsonNode c : x5chain) {
                encoded.add(c.binaryValue());
            }
        } else {
            encoded.add(x5chain.binaryValue());
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> chain = new ArrayList<>();
            for (byte[] der : encoded) {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
            X509Certificate cert = chain.get(0);
            Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
            ecdsa.initVerify(cert.getPublicKey());
            ecdsa.update(Cbor.encode(List.of("Signature1", protectedHeader, new byte[0], claim)));
            boolean ok = ecdsa.verify(signature);
            if (!ok) {
                problems.add("claimSignature.mismatch");
            }
            return new Signer(cert, List.copyOf(chain), ok);
        } catch (GeneralSecurityException e) {
            problems.add("claimSignature: " + e.getMessage());
            return new Signer(null, List.of(), false);
        }
    }

    private static void checkHardBinding(MediaBytes media, byte[] store, Map<String, Box> assertions, List<String> problems) throws IOException {
        Box data = assertions.get("c2pa.hash.data");
        Box bmff = assertions.get("c2pa.hash.bmff.v2");
        if (data != null) {
            Box cbor = data.cbor();
            JsonNode hash = CBOR.readTree(store, cbor.start, cbor.length());
            MessageDigest sha = Hashing.sha256();
            long at = 0;
            for (JsonNode ex : hash.get("exclusions")) {
                long start = ex.get("start").asLong();
                long length = ex.get("length").asLong();
                if (start < at || length < 0 || start + length > media.size()) {
                    problems.add("assertion.dataHash.malformed: exclusion out of order or out of range");
                    return;
                }
                media.digest(sha, at, start - at);
                at = start + length;
            }
            media.digest(sha, at, media.size() - at);
            if (!java.security.MessageDigest.isEqual(sha.digest(), hash.get("hash").binaryValue())) {
                problems.add("assertion.dataHash.mismatch");
            }
        } else if (bmff != null) {
            Box cbor = bmff.cbor();
            JsonNode hash = CBOR.readTree(store, cbor.start, cbor.length());
            for (JsonNode ex : hash.get("exclusions")) {
                String xpath = ex.get("xpath").asText();
                if (!List.of("/uuid", "/ftyp", "/mfra").contains(xpath)) {
                    problems.add("assertion.bmffHash: exclusion " + xpath + " is not checked here");
                    return;
                }
            }
            if (!java.security.MessageDigest.isEqual(Bmff.v2Hash(media), hash.get("hash").binaryValue())) {
                problems.add("assertion.bmffHash.mismatch");
            }
        } else {
            problems.add("claim.hardBindings.missing");
        }
    }

    /** JUMBF boxes of {@code store[from, to)}; superboxes are parsed in place (children are ranges too). */
    private static List<Box> parse(byte[] b, int from, int to, int depth) {
        if (depth > 16) {
            throw new IllegalArgumentException("JUMBF nested deeper than 16 boxes");
        }
        List<Box> boxes = new ArrayList<>();
        int at = from;
        while (at + 8 <= to) {
            int size = ByteBuffer.wrap(b, at, 4).getInt();
            if (size < 8 || size > to - at) {
                throw new IllegalArgumentException("JUMBF box at " + at + " has a bad length");
            }
            String type = new String(b, at + 4, 4, StandardCharsets.US_ASCII);
            int start = at + 8;
            int end = at + size;
            if (type.equals("jumb")) {
                List<Box> children = parse(b, start, end, depth + 1);
                if (children.isEmpty() || !children.get(0).type.equals("jumd") || children.get(0).length() < 17) {
                    throw new IllegalArgumentException("JUMBF superbox at " + at + " has no description box");
                }
                Box description = children.get(0);
                int labelStart = description.start + 17;
                int labelEnd = labelStart;
                while (labelEnd < description.end && b[labelEnd] != 0) {
                    labelEnd++;
                }
                String label = (b[description.start + 16] & 0x02) != 0 ? new String(b, labelStart, labelEnd - labelStart, StandardCharsets.UTF_8) : null;
                boxes.add(new Box(type, start, end, label, children.subList(1, children.size())));
            } else {
                boxes.add(new Box(type, start, end, null, List.of()));
            }
            at = end;
        }
        return boxes;
    }

    private static byte[] jpegStore(MediaBytes jpeg) throws IOException {
        long length = jpeg.size();
        if (length < 4 || (jpeg.read(0, 2)[0] & 0xFF) != 0xFF || (jpeg.read(1, 1)[0] & 0xFF) != 0xD8) {
            throw new IllegalArgumentException("not a JPEG");
        }
        ByteArrayOutputStream store = new ByteArrayOutputStream();
        long i = 2;
        byte[] h = new byte[12];
        while (i + 4 <= length) {
            jpeg.read(i, h, 0, 4);
            if ((h[0] & 0xFF) != 0xFF) {
                break;
            }
            int marker = h[1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) {
                break; // image data follows: no more metadata segments
            }
            int segment = ((h[2] & 0xFF) << 8) | (h[3] & 0xFF);
            if (marker == 0xEB && segment > 10 && i + 2 + segment <= length) {
                jpeg.read(i + 4, h, 4, 8);
                if (h[4] == 'J' && h[5] == 'P') {
                    int z = ByteBuffer.wrap(h, 8, 4).getInt();
                    int skip = z == 1 ? 8 : 16;
                    int n = segment - 2 - skip;
                    if (n < 0 || store.size() + n > MAX_STORE) {
                        throw new IllegalArgumentException("the manifest store is malformed or larger than " + MAX_STORE + " bytes");
                    }
                    store.write(jpeg.read(i + 4 + skip, n));
                }
            }
            i += 2 + segment;
        }
        return store.size() == 0 ? null : store.toByteArray();
    }

    private static byte[] pngStore(MediaBytes png) throws IOException {
        long at = 8;
        byte[] h = new byte[8];
        while (at + 12 <= png.size()) {
            png.read(at, h, 0, 8);
            long length = Integer.toUnsignedLong(ByteBuffer.wrap(h, 0, 4).getInt());
            String type = new String(h, 4, 4, StandardCharsets.US_ASCII);
            if (type.equals("caBX")) {
                if (length > MAX_STORE) {
                    throw new IllegalArgumentException("the manifest store is larger than " + MAX_STORE + " bytes");
                }
                return png.read(at + 8, (int) length);
            }
            at += 12 + length;
        }
        return null;
    }

    private static byte[] mp4Store(MediaBytes mp4) throws IOException {
        for (Bmff.Box box : Bmff.topLevelBoxes(mp4)) {
            if (Bmff.isC2pa(mp4, box)) {
                long end = box.offset() + box.size();
                long at = box.offset() + 8 + 16 + 4;
                byte[] one = new byte[1];
                // the purpose string (e.g. "manifest"), NUL-terminated, bounded by the box
                while (at < end) {
                    mp4.read(at, one, 0, 1);
                    if (one[0] == 0) {
                        break;
                    }
                    at++;
                }
                at += 1 + 8; // purpose terminator, Merkle offset
                if (end - at > MAX_STORE || end - at < 8) {
                    throw new IllegalArgumentException("the manifest store is malformed or larger than " + MAX_STORE + " bytes");
                }
                return mp4.read(at, (int) (end - at));
            }
        }
        return null;
    }
}
