package io.safeframe.gateway.cameo;

import java.util.List;
import java.util.Locale;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.safeframe.api.v1.Audience;
import io.safeframe.api.v1.Cameo;
import io.safeframe.api.v1.CameoUse;

/** What the app sees of a cameo and its uses; never anything biometric (the registry returns none). */
public final class CameoViews {

    private CameoViews() {
    }

    @RegisterForReflection
    public record CameoView(String id, String handle, String audience, List<String> grantedAccounts, int referencePhotos, String enrolledAt) {
    }

    @RegisterForReflection
    public record UseView(String id, String generationId, String requester, String usedAt, String state, boolean ownerReview,
            String consentReferenceId) {
    }

    static CameoView of(Cameo c) {
        return new CameoView(c.getCameoId(), "@" + c.getHandle(), c.getAudience().name().toLowerCase(Locale.ROOT), c.getGrantedAccountsList(),
                c.getReferencePhotos(), c.getEnrolledAt());
    }

    static UseView of(CameoUse u) {
        return new UseView(u.getUseId(), u.getJobId(), u.getRequesterAccountId(), u.getUsedAt(), u.getState(), u.getOwnerReview(),
                u.getConsentReferenceId());
    }

    /** The API's audience words to the contract's; anything else is the caller's mistake (400). */
    static Audience audience(String word) {
        return switch (word == null ? "" : word) {
            case "only_me" -> Audience.ONLY_ME;
            case "listed_accounts" -> Audience.LISTED_ACCOUNTS;
            case "everyone" -> Audience.EVERYONE;
            default -> throw io.safeframe.gateway.problem.ApiException.badRequest("audience must be \"only_me\", \"listed_accounts\" or \"everyone\"");
        };
    }
}
