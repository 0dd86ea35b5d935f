package io.safeframe.policy.audit;

import java.nio.file.Path;

/**
 * {@code ./safeframe rotate-key audit|hmac}: adds the next version of the audit checkpoint key or the prompt HMAC
 * key to the key directory and prints its id. Old versions stay (they verify what they signed); the newest signs
 * once policy-service has restarted. In Kubernetes the same files go into the Secret (see docs/audit-integrity.md).
 */
public final class KeyRotation {

    private KeyRotation() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !(args[0].equals("audit") || args[0].equals("hmac"))) {
            System.err.println("usage: KeyRotation audit|hmac KEY_DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        String id = args[0].equals("audit") ? AuditKeyFiles.rotateSigning(dir) : AuditKeyFiles.rotateHmac(dir);
        System.out.println("{\"ring\":\"" + args[0] + "\",\"newKeyId\":\"" + id + "\",\"dir\":\"" + dir + "\"}");
    }
}
