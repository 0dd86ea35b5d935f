package io.safeframe.likeness.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.safeframe.api.v1.Audience;
import io.safeframe.api.v1.Decision;
import io.safeframe.likeness.check.PromptDecision;
import io.safeframe.likeness.check.PromptDecision.CameoConsent;
import io.safeframe.likeness.handle.Handle;
import io.safeframe.likeness.handle.PromptHandles;

class PromptDecisionTest {

    private static final Map<Handle, CameoConsent> REGISTRY = Map.of(
            new Handle("alice"), new CameoConsent("L1", "alice", Audience.ONLY_ME, Set.of()),
            new Handle("bob"), new CameoConsent("L2", "bob", Audience.LISTED_ACCOUNTS, Set.of("carol")),
            new Handle("dora"), new CameoConsent("L3", "dora", Audience.EVERYONE, Set.of()));

    private static PromptDecision.Outcome check(String requester, String prompt) {
        return PromptDecision.decide(requester, PromptHandles.named(prompt), REGISTRY);
    }

    @Test
    void namingACameoWithoutPermissionBlocksWithAReasonAUserUnderstands() {
        var out = check("carol", "@dora and @alice at the beach");
        assertEquals(Decision.BLOCK, out.decision());
        assertEquals("@alice has not allowed you to use their likeness.", out.reason());
        assertEquals(List.of(new Handle("dora")), out.permitted());
    }

    @Test
    void hiddenHandleIsStillFound() {
        assertEquals(Decision.BLOCK, check("carol", "@\u0430l\u200Bice dancing").decision());
    }

    @Test
    void unknownHandlesArePlainText() {
        var out = check("carol", "a sign that says @nobody_here");
        assertEquals(Decision.ALLOW, out.decision());
        assertEquals(List.of(new Handle("nobody_here")), out.unknown());
    }

    @Test
    void grantsEveryoneAndOwnCameoAreAllowed() {
        assertEquals(Decision.ALLOW, check("carol", "@bob and @dora").decision());
        assertEquals(Decision.ALLOW, check("alice", "@alice surfing").decision());
        assertEquals(Decision.BLOCK, check("erin", "@bob surfing").decision());
        assertEquals(2, check("carol", "@bob and @dora").permitted().size());
    }

    @Test
    void protectedPersonsAndAnonymousRequestersAreNeverPermitted() {
        assertEquals(false, ConsentRules.permitted(null, Audience.EVERYONE, Set.of(), "bob"));
        assertEquals(false, ConsentRules.permitted("alice", Audience.EVERYONE, Set.of(), ""));
        assertEquals(false, ConsentRules.permitted("alice", Audience.AUDIENCE_UNSPECIFIED, Set.of("bob"), "bob"));
    }

    /** The teen profile's likeness rule: only their own cameo, even where the owner allowed everyone or listed them. */
    @Test
    void aTeenMayUseOnlyTheirOwnCameo() {
        var teen = io.safeframe.api.v1.AgeBand.AGE_BAND_TEEN;
        var everyone = PromptDecision.decide("carol", teen, PromptHandles.named("@dora at the beach"), REGISTRY);
        assertEquals(Decision.BLOCK, everyone.decision());
        assertEquals("@dora is someone else's cameo; on a teen account you can use only your own.", everyone.reason());
        assertEquals(Decision.BLOCK, PromptDecision.decide("carol", teen, PromptHandles.named("@bob surfing"), REGISTRY).decision());
        assertEquals(Decision.ALLOW, PromptDecision.decide("alice", teen, PromptHandles.named("@alice surfing"), REGISTRY).decision());
        assertEquals(Decision.ALLOW, PromptDecision.decide("carol", teen, PromptHandles.named("a sign that says @nobody_here"),
                REGISTRY).decision());
        // the same requests without a band, or as an adult: the owners' choices apply
        assertEquals(Decision.ALLOW, PromptDecision.decide("carol", io.safeframe.api.v1.AgeBand.AGE_BAND_ADULT,
                PromptHandles.named("@dora and @bob"), REGISTRY).decision());
        assertEquals(Decision.ALLOW, check("carol", "@dora and @bob").decision());
        assertEquals(false, ConsentRules.permitted(null, Audience.EVERYONE, Set.of(), "alice", teen));
    }
}
