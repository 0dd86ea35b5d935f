package io.safeframe.guard.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** With the store on and no version ever loaded there is nothing to screen with: fail closed, never "allow". */
class FailClosedTest {

    @Test
    void noVersionAtAllRefusesToScreenAndABadStoreVersionKeepsTheGoodOne() {
        PolicyHolder holder = new PolicyHolder(Optional.empty(), true);
        assertFalse(holder.loaded());
        assertThrows(PolicyHolder.NoPolicy.class, holder::current);
        assertEquals("policy-store", holder.source());

        assertEquals("refused v1", holder.installFromStore(1, "{\"version\":\"x\",\"categories\":[]}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(PolicyHolder.NoPolicy.class, holder::current, "a refused document is not a policy either");

        assertEquals("installed v2", holder.installFromStore(2, holder.seedDocument()));
        assertTrue(holder.loaded());
        assertEquals(2, holder.storeVersion());
        String good = holder.current().version();
        assertEquals("refused v3", holder.installFromStore(3, "{ not json".getBytes(StandardCharsets.UTF_8)));
        assertEquals(good, holder.current().version());
        assertEquals(2, holder.storeVersion());
        assertEquals("the policy store decides", holder.reloadIfChanged());
    }
}
