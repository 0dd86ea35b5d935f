package io.safeframe.likeness.registry;

import java.util.Set;
import java.util.UUID;

import io.safeframe.api.v1.Audience;
import io.safeframe.api.v1.Cameo;

/** A likeness row with its grants; no key material, no descriptors. */
public record StoredLikeness(UUID id, String kind, String owner, String handle, String displayName, Audience audience,
        Set<String> grantees, int photos, String enrolledAt) {

    public Cameo toCameo() {
        return Cameo.newBuilder().setCameoId(id.toString()).setHandle(handle).setOwnerAccountId(owner).setAudience(audience)
                .addAllGrantedAccounts(grantees.stream().sorted().toList()).setReferencePhotos(photos).setEnrolledAt(enrolledAt)
                .build();
    }
}
