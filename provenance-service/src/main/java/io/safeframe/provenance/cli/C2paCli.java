package io.safeframe.provenance.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.safeframe.provenance.c2pa.C2paKeys;
import io.safeframe.provenance.manifest.C2paEmbedder;
import io.safeframe.provenance.manifest.C2paReader;
import io.safeframe.provenance.manifest.MediaBytes;
import io.safeframe.provenance.manifest.SignerTrust;
import io.safeframe.provenance.c2pa.SigningIdentity;

/**
 * ./safeframe c2pa sign IN OUT [--payload HEX16]  and  ./safeframe c2pa verify IN  (JPEG, PNG, MP4).
 * Signs with the dev chain in SAFEFRAME_C2PA_KEY_DIR (the one the local provenance-service uses; generated on
 * first use). verify prints our reader's verdict as one JSON line (the script adds the reference validator's).
 */
public final class C2paCli {

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        if (args.length >= 3 && args[0].equals("sign")) {
            Path in = Path.of(args[1]);
            byte[] media = Files.readAllBytes(in);
            String payload = args.length >= 5 && args[3].equals("--payload") ? args[4] : "0000000000000000";
            SigningIdentity identity = C2paKeys.load(keyDir(), true).newest().key(); // the newest version signs
            C2paEmbedder.Signed signed = new C2paEmbedder(identity).sign(media, type(media), "safeframe-cli", "1.0", payload);
            Files.write(Path.of(args[2]), signed.media());
            ObjectNode out = json.createObjectNode().put("file", args[2]).put("manifest", signed.manifestLabel()).put("key_id", identity.keyId())
                    .put("manifest_sha256", HexFormat.of().formatHex(signed.manifestSha256()));
            System.out.println(json.writeValueAsString(out));
        } else if (args.length == 2 && args[0].equals("verify")) {
            byte[] media = Files.readAllBytes(Path.of(args[1]));
            // trusted: the signer chains to the local dev root (the chain provenance-service generated), nothing else
            Path chain = Path.of(System.getenv().getOrDefault("SAFEFRAME_C2PA_KEY_DIR", "data/keys/provenance"), "c2pa-chain.pem");
            SignerTrust trust = Files.exists(chain) ? SignerTrust.fromPem(Files.readString(chain)) : SignerTrust.NONE;
            C2paReader.Result r = C2paReader.read(MediaBytes.of(media), type(media), trust);
            ObjectNode out = json.createObjectNode().put("file", args[1]).put("checker", "safeframe").put("present", r.present())
                    .put("valid", r.valid()).put("signatureValid", r.signatureValid()).put("trusted", r.trusted())
                    .put("manifest", r.manifestLabel()).put("signer", r.signer()).put("signer_key_id", r.signerKeyId());
            r.problems().forEach(out.putArray("problems")::add);
            System.out.println(json.writeValueAsString(out));
            System.exit(r.present() && r.valid() ? 0 : 1);
        } else if (args.length == 1 && args[0].equals("rotate")) {
            // ./safeframe rotate-key c2pa: the next dev signer; older versions stay (their manifests name them)
            System.out.println(json.writeValueAsString(json.createObjectNode().put("ring", "c2pa")
                    .put("newKeyId", C2paKeys.rotate(keyDir())).put("dir", keyDir().toString())));
        } else {
            System.err.println("usage: c2pa sign IN OUT [--payload HEX16] | c2pa verify IN | c2pa rotate");
            System.exit(2);
        }
    }

    private static Path keyDir() {
        return Path.of(System.getenv().getOrDefault("SAFEFRAME_C2PA_KEY_DIR", "data/keys/provenance"));
    }

    /** By content, not by name: JPEG SOI, PNG signature, else ISO BMFF. */
    static String type(byte[] b) {
        if (b.length > 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
            return "image/jpeg";
        }
        if (b.length > 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "image/png";
        }
        return "video/mp4";
    }
}
