package io.safeframe.report.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The scrubber on planted personal data: every planted e-mail, phone number, @handle and listed name must go, and the
 * share of benign prompts it changes is measured (it errs towards removing).
 */
class ScrubberTest {

    private final Scrubber scrubber = Scrubber.withBundledNames();

    /** Each prompt plants one item; the item text must be gone after scrubbing. */
    private static final List<String[]> PLANTED = List.of(
            new String[] { "a video of my friend at jane.doe@example.com dancing", "jane.doe@example.com" },
            new String[] { "send it to BOB_smith+films@mail.example.co.uk please", "BOB_smith+films@mail.example.co.uk" },
            new String[] { "call me on +44 20 7946 0958 after the clip", "7946 0958" },
            new String[] { "my number is (415) 555-0134, make a video about it", "555-0134" },
            new String[] { "text 0049 30 901820 for the premiere", "901820" },
            new String[] { "phone 612.555.0199 glowing in neon", "555.0199" },
            new String[] { "a tribute video for @sunny_day_99 and friends", "@sunny_day_99" },
            new String[] { "tag @marco.polo in the credits", "@marco.polo" },
            new String[] { "a cartoon of Alice Johnson riding a bike", "Alice Johnson" },
            new String[] { "Michael eating pizza on the beach", "Michael" },
            new String[] { "make Sarah Connor fight robots", "Sarah Connor" },
            new String[] { "a portrait of Dr Kowalski in the lab", "Kowalski" },
            new String[] { "show Jennifer and Robert getting married", "Jennifer" },
            new String[] { "show Jennifer and Robert getting married", "Robert" },
            new String[] { "Mrs. Patel walking her dog", "Patel" },
            new String[] { "a rap battle between Kevin van Dijk and a robot", "Kevin van Dijk" },
            new String[] { "visit https://example.com/profile/janedoe for the photos", "janedoe" },
            new String[] { "Emily's birthday party with balloons", "Emily" });

    private static final List<String> BENIGN = List.of("a red fox running through snow", "a sunny meadow with horses",
            "a knight fighting a dragon in a castle", "timelapse of Paris at night with the Eiffel Tower",
            "a cat playing piano in 4K, 60 fps", "the Moon rising over Mount Fuji", "a 1920s jazz band in New Orleans",
            "drone shot of the Grand Canyon at sunrise", "a robot cooking pasta in a kitchen", "Will it rain on the parade?",
            "April showers over a tulip field", "a Christmas market in Vienna", "an astronaut floating near the ISS",
            "slow motion of a hummingbird", "a lighthouse in a storm, 30 seconds");

    @Test
    void everyPlantedItemIsRemoved() {
        int removed = 0;
        for (String[] p : PLANTED) {
            String out = scrubber.scrub(p[0]);
            if (!out.contains(p[1])) {
                removed++;
            } else {
                System.out.println("missed: " + p[1] + " in " + out);
            }
        }
        System.out.printf("scrubber recall on planted items: %d/%d%n", removed, PLANTED.size());
        assertEquals(PLANTED.size(), removed, "every planted e-mail, phone, handle, URL and listed name is removed");
    }

    @Test
    void placeholdersNameWhatWasRemoved() {
        assertEquals("mail [EMAIL] or call [PHONE], ask [HANDLE] or [NAME] at [URL]",
                scrubber.scrub("mail a.b@example.org or call +1 415 555 0134, ask @ab_c or Alice Johnson at https://x.example/p"));
    }

    @Test
    void benignPromptsMostlyStayAsTheyWere() {
        long changed = BENIGN.stream().filter(p -> !scrubber.scrub(p).equals(p)).count();
        System.out.printf("scrubber changed %d of %d benign prompts%n", changed, BENIGN.size());
        BENIGN.stream().filter(p -> !scrubber.scrub(p).equals(p)).forEach(p -> System.out.println("  changed: " + scrubber.scrub(p)));
        // known over-removal: capitalised common words that are also first names ("Will", "April")
        assertTrue(changed <= 3, changed + " benign prompts changed");
        assertEquals("a red fox running through snow", scrubber.scrub("a red fox running through snow"));
        assertEquals("a cat playing piano in 4K, 60 fps", scrubber.scrub("a cat playing piano in 4K, 60 fps"));
    }

    @Test
    void nothingToScrubAndNullAreSafe() {
        assertEquals("", scrubber.scrub(""));
        assertEquals(null, scrubber.scrub(null));
        assertFalse(scrubber.scrub("meet at 10:30 on 2024").contains("[PHONE]"), "short numbers are not phones");
    }
}
