package io.safeframe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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

    /** Every service, from the one list in deploy/services (its first column). */
    public static final List<String> SERVICES = servicesList();

    private TestIdentities() {
    }

    private static List<String> servicesList() {
        Path list = Path.of("..", "deploy", "services");
        try {
            return Files.readAllLines(list).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(l -> l.split("\\s+")[0]).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("the list of services " + list.toAbsolutePath() + " could not be read", e);
        }
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
