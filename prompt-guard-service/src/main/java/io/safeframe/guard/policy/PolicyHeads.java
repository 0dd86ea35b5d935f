package io.safeframe.guard.policy;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.safeframe.guard.encoder.GuardHeads;
import io.safeframe.guard.encoder.SentenceEncoder;

/**
 * The encoder heads a policy version may carry (retrained from moderator labels), checked when the version is
 * compiled: heads that could not work — another encoder, no any-unsafe head, operating points out of order, a weight
 * that is not a number — refuse the whole version, exactly as a malformed rule does.
 */
final class PolicyHeads {

    private PolicyHeads() {
    }

    /** Null when the policy carries none (the release's heads decide). */
    static GuardHeads compile(PromptPolicy policy) {
        JsonNode node = policy.heads();
        if (node == null) {
            return null;
        }
        GuardHeads heads;
        try {
            heads = GuardHeads.read(node);
        } catch (IOException e) {
            throw new CompiledPolicy.InvalidPolicy("heads: " + e.getMessage());
        }
        String encoder = SentenceEncoder.configured().modelSha256();
        if (!encoder.equals(heads.encoderSha256())) {
            throw new CompiledPolicy.InvalidPolicy("heads: trained on encoder " + heads.encoderSha256() + ", this guard runs " + encoder);
        }
        if (heads.head(GuardHeads.ANY) == null) {
            throw new CompiledPolicy.InvalidPolicy("heads: no " + GuardHeads.ANY + " head");
        }
        Set<String> seen = new HashSet<>();
        for (GuardHeads.Head h : heads.heads()) {
            String name = "heads: " + h.category();
            if (!seen.add(h.category())) {
                throw new CompiledPolicy.InvalidPolicy(name + " appears twice");
            }
            if (!h.category().equals(GuardHeads.ANY) && policy.categories().stream().noneMatch(c -> c.code().equals(h.category()))) {
                throw new CompiledPolicy.InvalidPolicy(name + " is not a category of this policy");
            }
            if (!(h.review() > 0 && h.review() <= h.block() && h.block() <= 1)) {
                throw new CompiledPolicy.InvalidPolicy(name + ": operating points must satisfy 0 < review <= block <= 1");
            }
            if (!Float.isFinite(h.bias())) {
                throw new CompiledPolicy.InvalidPolicy(name + ": bias is not a finite number");
            }
            for (float w : h.weights()) {
                if (!Float.isFinite(w)) {
                    throw new CompiledPolicy.InvalidPolicy(name + ": a weight is not a finite number");
                }
            }
        }
        return heads;
    }
}
