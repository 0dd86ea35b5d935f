package io.safeframe.gateway.cameo;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request bodies of /v1/cameos; unknown fields are refused (StrictJson). */
public final class CameoBodies {

    private CameoBodies() {
    }

    /** data: the image, base64 (at most 1 MiB of text each); mediaType: image/png or image/jpeg. */
    @RegisterForReflection
    public record PhotoBody(String mediaType, String data) {
    }

    /** audience: only_me, listed_accounts or everyone. */
    @RegisterForReflection
    public record EnrolBody(String handle, String audience, List<String> grantedAccounts, List<PhotoBody> photos) {
    }

    @RegisterForReflection
    public record AudienceBody(String audience) {
    }

    @RegisterForReflection
    public record TakedownBody(String reason) {
    }
}
