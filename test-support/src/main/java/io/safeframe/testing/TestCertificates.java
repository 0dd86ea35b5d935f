package io.safeframe.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Makes the test service certificates when the test run starts: a Quarkus test reads its TLS files while it boots,
 * before any test code (or test resource) could make them.
 */
public class TestCertificates implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        TestIdentities.ensure();
    }
}
