package io.safeframe.identity.peer;

import java.security.PublicKey;

/** An authenticated calling service: its name (certificate CN) and the public key of its client certificate. */
public record Caller(String service, PublicKey publicKey) {
}
