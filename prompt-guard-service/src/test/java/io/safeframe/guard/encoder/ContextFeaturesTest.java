package io.safeframe.guard.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ContextFeaturesTest {

    @Test
    void negationOfTheHarmfulElement() {
        assertTrue(ContextFeatures.of("a castle siege at dawn, without any blood").negation());
        assertTrue(ContextFeatures.of("two wrestlers in a ring, nobody gets hurt").negation());
        assertTrue(ContextFeatures.of("a beach party, family-friendly").negation());
        assertFalse(ContextFeatures.of("a castle siege at dawn with blood everywhere").negation());
    }

    @Test
    void protectiveAndEducationalFraming() {
        assertTrue(ContextFeatures.of("an awareness campaign about online scams for seniors").protective());
        assertTrue(ContextFeatures.of("a lesson on how vaccines work").protective());
        assertFalse(ContextFeatures.of("a dog chasing its tail").protective());
    }

    @Test
    void textShownOnScreenIsDepictedNotAsked() {
        assertTrue(ContextFeatures.of("a protest banner that reads 'burn it all down', street photo").depicted());
        assertTrue(ContextFeatures.of("the laptop screen displays the words 'access granted'").depicted());
        assertFalse(ContextFeatures.of("burn it all down").depicted());
    }

    @Test
    void anOperationalAskSwitchesFramingOff() {
        ContextFeatures f = ContextFeatures.of("an awareness video that explains step by step how to do it, no blood");
        assertTrue(f.protective() && f.negation() && f.operational());
        assertArrayEquals(new float[] { 0, 0, 0, 1 }, f.vector(), "framing never discounts a method");
    }
}
