package io.safeframe.policy.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TierCatalogueTest {

    @TempDir
    Path dir;

    private static UsagePolicies config(Optional<String> tiersFile) {
        UsagePolicies.UsagePolicy free = new UsagePolicies.UsagePolicy() {
            public int generationsPerDay() { return 10; }
            public int burstPerMinute() { return 3; }
            public int maxVideoSeconds() { return 10; }
            public int concurrentJobs() { return 2; }
        };
        return new UsagePolicies() {
            public Map<String, UsagePolicy> tiers() { return Map.of("free", free, "throttled", free); }
            public String defaultTier() { return "free"; }
            public String throttledTier() { return "throttled"; }
            public Duration reservationTtl() { return Duration.ofMinutes(15); }
            public Optional<String> tiersFile() { return tiersFile; }
        };
    }

    private static String tiers(int freePerDay) {
        return "free.generations-per-day=" + freePerDay + "\nfree.burst-per-minute=3\nfree.max-video-seconds=10\nfree.concurrent-jobs=2\n"
                + "throttled.generations-per-day=1\nthrottled.burst-per-minute=1\nthrottled.max-video-seconds=5\nthrottled.concurrent-jobs=1\n";
    }

    private static void write(Path f, String text, long mtime) throws Exception {
        Files.writeString(f, text);
        Files.setLastModifiedTime(f, FileTime.fromMillis(mtime));
    }

    @Test
    void fileOverridesConfigAndReloadsWhenChanged() throws Exception {
        Path f = dir.resolve("tiers.properties");
        write(f, tiers(25), 1_000_000);
        TierCatalogue catalogue = new TierCatalogue(config(Optional.of(f.toString())));
        assertEquals(25, catalogue.policyFor("free").generationsPerDay());
        write(f, tiers(40), 2_000_000);
        assertEquals("reloaded", catalogue.reloadIfChanged());
        assertEquals(40, catalogue.policyFor("free").generationsPerDay());
        assertEquals("unchanged", catalogue.reloadIfChanged());
    }

    @Test
    void badFilesAreRefusedAndTheTiersInForceStay() throws Exception {
        Path f = dir.resolve("tiers.properties");
        write(f, tiers(25), 1_000_000);
        TierCatalogue catalogue = new TierCatalogue(config(Optional.of(f.toString())));
        String[] bad = { tiers(25).replace("free.concurrent-jobs=2\n", ""), tiers(25).replace("=25", "=lots"),
                tiers(25) + "free.colour=red\n", tiers(25).replace("=25", "=0"), tiers(25).replaceAll("throttled\\.[^\\n]*\\n", "") };
        long mtime = 2_000_000;
        for (String text : bad) {
            write(f, text, mtime += 1000);
            assertTrue(catalogue.reloadIfChanged().startsWith("refused"), text);
            assertEquals(25, catalogue.policyFor("free").generationsPerDay());
        }
    }

    @Test
    void withoutAFileTheConfiguredTiersApply() {
        TierCatalogue catalogue = new TierCatalogue(config(Optional.empty()));
        assertEquals(10, catalogue.policyFor("free").generationsPerDay());
        assertThrows(IllegalStateException.class, () -> catalogue.policyFor("platinum"));
    }
}
