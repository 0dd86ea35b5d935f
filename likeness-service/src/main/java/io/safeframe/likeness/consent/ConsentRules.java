package io.safeframe.likeness.consent;

import java.util.Set;

import io.safeframe.api.v1.Audience;

/** Who may use a cameo: the one home of that rule (prompt check, clip check and revocation all ask here). */
public final class ConsentRules {

    private ConsentRules() {
    }

    /**
     * @param owner the cameo's owner; null for a protected person, whom nobody may depict
     */
    public static boolean permitted(String owner, Audience audience, Set<String> grantees, String requester) {
        return permitted(owner, audience, grantees, requester, io.safeframe.api.v1.AgeBand.AGE_BAND_UNSPECIFIED);
    }

    /**
     * The teen profile's likeness rule (docs/teen-protections.md): a teen may use only their own cameo, whatever
     * audience another owner chose. Any other band gets the owner's choice.
     */
    public static boolean permitted(String owner, Audience audience, Set<String> grantees, String requester,
            io.safeframe.api.v1.AgeBand requesterBand) {
        if (requesterBand == io.safeframe.api.v1.AgeBand.AGE_BAND_TEEN) {
            return owner != null && requester != null && !requester.isBlank() && owner.equals(requester);
        }
        if (owner == null || requester == null || requester.isBlank()) {
            return false;
        }
        if (owner.equals(requester)) {
            return true;
        }
        return switch (audience) {
            case EVERYONE -> true;
            case LISTED_ACCOUNTS -> grantees.contains(requester);
            default -> false;
        };
    }
}
