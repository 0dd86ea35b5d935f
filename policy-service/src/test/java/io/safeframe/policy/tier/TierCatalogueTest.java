package io.safeframe.policy.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
            public boolean followStore() { return false; }
            public String reloadEvery() { return "5s"; }
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

    private static TierCatalogue catalogue(Optional<String> file) {
        return new TierCatalogue(config(file), null); // the built-in tiers only: following is off, no store is read
    }

    @Test
    void theFileSeedsInsteadOfTheConfiguration() throws Exception {
        Path f = dir.resolve("tiers.properties");
        write(f, tiers(25), 1_000_000);
        TierCatalogue catalogue = catalogue(Optional.of(f.toString()));
        assertEquals(25, catalogue.policyFor("free").generationsPerDay());
        assertEquals(0, catalogue.version(), "built-in until the store answers");
    }

    @Test
    void aBadFileIsRefusedAndTheConfigurationSeeds() throws Exception {
        Path f = dir.resolve("tiers.properties");
        String[] bad = { tiers(25).replace("free.concurrent-jobs=2\n", ""), tiers(25).replace("=25", "=lots"),
                tiers(25) + "free.colour=red\n", tiers(25).replace("=25", "=0"), tiers(25).replaceAll("throttled\\.[^\\n]*\\n", "") };
        long mtime = 2_000_000;
        for (String text : bad) {
            write(f, text, mtime += 1000);
            assertEquals(10, catalogue(Optional.of(f.toString())).policyFor("free").generationsPerDay(), text);
        }
    }

    @Test
    void withoutAFileTheConfiguredTiersApply() {
        TierCatalogue catalogue = catalogue(Optional.empty());
        assertEquals(10, catalogue.policyFor("free").generationsPerDay());
        assertThrows(IllegalStateException.class, () -> catalogue.policyFor("platinum"));
    }

    @Test
    void theStoreDocumentRoundTripsAndRefusesWhatTheCatalogueWouldNot() {
        Map<String, TierCatalogue.UsageLimits> tiers = Map.of("free", new TierCatalogue.UsageLimits(10, 3, 10, 2),
                "throttled", new TierCatalogue.UsageLimits(1, 1, 5, 1));
        assertEquals(tiers, TierDocument.parse(TierDocument.of("t-1", tiers)));
        String good = TierDocument.of("t-1", tiers);
        String[] bad = { "", "[]", "{\"tiers\":{}}", good.replace("\"generationsPerDay\":10", "\"generationsPerDay\":-1"),
                good.replace("\"generationsPerDay\":10", "\"generationsPerDay\":99999999999"),
                good.replace("\"generationsPerDay\":10", "\"generationsPerDay\":null"), good.replace("\"free\"", "\"Free Tier\""),
                good.replace("\"version\"", "\"versoin\""), good.replace("\"burstPerMinute\":3,", "") };
        for (String document : bad) {
            assertThrows(TierCatalogue.InvalidTiers.class, () -> TierDocument.parse(document), document);
        }
        TierCatalogue catalogue = catalogue(Optional.empty());
        assertThrows(TierCatalogue.InvalidTiers.class, () -> catalogue.validated(Map.of("free", tiers.get("free"))),
                "the throttled tier the detector needs");
    }
}
