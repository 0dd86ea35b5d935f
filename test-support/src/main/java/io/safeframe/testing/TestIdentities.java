package io.safeframe.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;

import io.safeframe.identity.ca.LocalCa;

/**
 * The tests' service CA: one CA and a certificate per service in the reactor's {@code target/test-identity}, shared
 * by every module's tests and the service processes they start (each runs in its module directory, hence "..").
 * Made by the same generator as ./safeframe up's.
 */
public final class TestIdentities {

    public static final List<String> SERVICES = List.of("policy-service", "prompt-guard-service", "frame-classifier-service",
            "provenance-service", "report-service", "generator-service", "verify-service", "gateway-service");

    private TestIdentities() {
    }

    public static Path dir() {
        return Path.of("..", "target", "test-identity").toAbsolutePath().normalize();
    }

    public static Path of(String service) {
        return dir().resolve(service);
    }

    public static void ensure() {
        try {
            new LocalCa(dir()).ensure(SERVICES);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not make the test service certificates in " + dir(), e);
        }
    }
}
