package io.safeframe.provenance.manifest;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A C2PA manifest store with one manifest, written from the C2PA 2.x specification: claim v2 over three
 * assertions — {@code c2pa.actions.v2} (created by a trained model, then watermarked), {@code c2pa.soft-binding}
 * (our watermark and its payload) and the hard binding {@code c2pa.hash.data} — signed as a detached COSE_Sign1
 * (ES256, x5chain in the protected header).
 */
public final class C2paManifest {

    /** IPTC digital source type for media made by a trained model (the EU AI Act Art. 50 marking). */
    static final String TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";
    /** Our soft-binding algorithm name (assertion `alg`, and what the soft-binding resolution API accepts). */
    public static final String SOFT_BINDING_ALG = "io.safeframe.watermark.qim-dct.v1";

    /**
     * Our assertion that every enrolled person whose likeness the asset shows consented: opaque consent reference ids
     * from the likeness registry, resolvable only there, by the person. No name, no handle, nothing biometric.
     * Present only when the asset used a cameo.
     */
    public static final String LIKENESS_CONSENT_LABEL = "io.safeframe.likeness-consent";

    /** What the manifest says about the asset. */
    record Facts(String generatorName, String generatorVersion, String watermarkPayloadHex, List<String> consentReferenceIds) {
        Facts {
            consentReferenceIds = List.copyOf(consentReferenceIds);
        }
    }

    private final String label = "urn:c2pa:" + UUID.randomUUID();
    private final String instanceId = "xmp:iid:" + UUID.randomUUID();
    private final Facts facts;
    private final ClaimSigner signer;

    C2paManifest(Facts facts, ClaimSigner signer) {
        this.facts = facts;
        this.signer = signer;
    }

    String label() {
        return label;
    }

    /** The store for an asset whose bytes outside [start, start + length) hash (SHA-256) to {@code hash}. */
    byte[] store(long exclusionStart, long exclusionLength, byte[] hash) {
        return store("c2pa.hash.data", dataHash(exclusionStart, exclusionLength, hash));
    }

    /**
     * The store for an ISO BMFF file (MP4) whose top-level boxes other than ftyp, mfra and our C2PA uuid box hash
     * to {@code hash}, each box preceded by its file offset (BMFF hash v2).
     */
    byte[] bmffStore(byte[] hash) {
        Map<String, Object> bmff = map("exclusions", List.of(
                map("xpath", "/uuid", "data", List.of(map("offset", 8, "value", C2paEmbedder.C2PA_BOX_UUID))),
                map("xpath", "/ftyp"), map("xpath", "/mfra")),
                "alg", "sha256", "hash", hash, "name", "jumbf manifest");
        return store("c2pa.hash.bmff.v2", bmff);
    }

    private byte[] store(String hardBindingLabel, Map<String, Object> hardBinding) {
        Map<String, byte[]> assertions = new LinkedHashMap<>();
        assertions.put("c2pa.actions.v2", Jumbf.cborAssertion("c2pa.actions.v2", Cbor.encode(actions())));
        if (!facts.consentReferenceIds().isEmpty()) {
            assertions.put(LIKENESS_CONSENT_LABEL, Jumbf.cborAssertion(LIKENESS_CONSENT_LABEL, Cbor.encode(map(
                    "consent_given", true, "consent_reference_ids", new ArrayList<Object>(facts.consentReferenceIds()),
                    "registry", "safeframe likeness registry"))));
        }
        assertions.put("c2pa.soft-binding", Jumbf.cborAssertion("c2pa.soft-binding", Cbor.encode(softBinding())));
        assertions.put(hardBindingLabel, Jumbf.cborAssertion(hardBindingLabel, Cbor.encode(hardBinding)));

        List<Object> created = new ArrayList<>();
        for (Map.Entry<String, byte[]> a : assertions.entrySet()) {
            // the hash of an assertion covers its superbox's contents (description box + content box), not its header
            byte[] box = a.getValue();
            created.add(map("url", "self#jumbf=/c2pa/" + label + "/c2pa.assertions/" + a.getKey(), "hash",
                    sha256(java.util.Arrays.copyOfRange(box, 8, box.length))));
        }
        Map<String, Object> claim = map("instanceID", instanceId,
                "claim_generator_info", map("name", facts.generatorName(), "version", facts.generatorVersion()),
                "signature", "self#jumbf=/c2pa/" + label + "/c2pa.signature",
                "created_assertions", created,
                "alg", "sha256");
        byte[] claimBytes = Cbor.encode(claim);
        byte[] cose = sign(claimBytes);
        byte[] manifest = Jumbf.superBox(Jumbf.MANIFEST, label,
                Jumbf.superBox(Jumbf.ASSERTION_STORE, "c2pa.assertions", assertions.values().toArray(byte[][]::new)),
                Jumbf.superBox(Jumbf.CLAIM, "c2pa.claim.v2", Jumbf.box("cbor", claimBytes)),
                Jumbf.superBox(Jumbf.SIGNATURE, "c2pa.signature", Jumbf.box("cbor", cose)));
        return Jumbf.superBox(Jumbf.MANIFEST_STORE, "c2pa", manifest);
    }

    private Map<String, Object> actions() {
        Map<String, Object> agent = map("name", facts.generatorName(), "version", facts.generatorVersion());
        return map("actions", List.of(
                map("action", "c2pa.created", "digitalSourceType", TRAINED_ALGORITHMIC_MEDIA, "softwareAgent", agent),
                map("action", "c2pa.watermarked", "softwareAgent", agent)));
    }

    private Map<String, Object> softBinding() {
        return map("alg", SOFT_BINDING_ALG, "blocks", List.of(map("scope", new LinkedHashMap<>(), "value", facts.watermarkPayloadHex())));
    }

    private static Map<String, Object> dataHash(long start, long length, byte[] hash) {
        return map("exclusions", List.of(map("start", start, "length", length)), "name", "jumbf manifest", "alg", "sha256",
                "hash", hash, "pad", new byte[0]);
    }

    /** COSE_Sign1 (RFC 9052) with a detached payload: the claim is signed but not repeated inside the signature. */
    private byte[] sign(byte[] claim) {
        List<byte[]> certs = signer.chain().stream().limit(1).map(c -> {
            try {
                return c.getEncoded();
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        Map<Object, Object> header = new LinkedHashMap<>();
        header.put(1, -7); // alg: ES256
        header.put(33, certs.size() == 1 ? certs.get(0) : new ArrayList<>(certs)); // x5chain, end entity first
        byte[] protectedHeader = Cbor.encode(header);
        byte[] toBeSigned = Cbor.encode(List.of("Signature1", protectedHeader, new byte[0], claim));
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
            ecdsa.initSign(signer.key());
            ecdsa.update(toBeSigned);
            List<Object> sign1 = new ArrayList<>();
            sign1.add(protectedHeader);
            sign1.add(new LinkedHashMap<>());
            sign1.add(null);
            sign1.add(ecdsa.sign());
            return Cbor.encode(new Cbor.Tagged(18, sign1));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing the claim failed", e);
        }
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> map(Object... keyValues) {
        Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], (V) keyValues[i + 1]);
        }
        return m;
    }
}
