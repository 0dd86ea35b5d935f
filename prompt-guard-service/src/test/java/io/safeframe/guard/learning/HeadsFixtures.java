package io.safeframe.guard.learning;

import java.io.IOException;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.safeframe.guard.encoder.GuardHeads;
import io.safeframe.guard.policy.PolicyHolder;

/** The built-in policy with the release's heads inside it, changed by a test before it is loaded. */
final class HeadsFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HeadsFixtures() {
    }

    static byte[] policyWithHeads(Consumer<ObjectNode> change) throws IOException {
        ObjectNode policy = (ObjectNode) JSON.readTree(PolicyHolder.class.getClassLoader().getResourceAsStream(PolicyHolder.BUILT_IN));
        ObjectNode heads = (ObjectNode) JSON.readTree(PolicyHolder.class.getClassLoader().getResourceAsStream(GuardHeads.RESOURCE));
        change.accept(heads);
        policy.set("heads", heads);
        return JSON.writeValueAsBytes(policy);
    }
}
