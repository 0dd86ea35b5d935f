package io.safeframe.gateway.age;

import java.util.Locale;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.AgeBand;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonString;

/**
 * The caller's age band, read from the verified access token's {@code age_band} claim (a Keycloak user attribute an
 * administrator sets; the user cannot edit it). The token's signature covers the claim, so a changed value is an
 * invalid token and never gets here. "teen" and "adult" are the values; an unrecognised value (a typo, another type, a
 * list) is read as teen, so a mistake in the identity provider can only make the rules stricter. A token without the
 * claim gets {@code safeframe.age-band.when-missing} (docs/teen-protections.md says why the default is adult).
 */
@ApplicationScoped
public class AgeBands {

    public static final String CLAIM = "age_band";

    private final AgeBand whenMissing;

    public AgeBands(@ConfigProperty(name = "safeframe.age-band.when-missing", defaultValue = "adult") String whenMissing) {
        this.whenMissing = switch (whenMissing.toLowerCase(Locale.ROOT)) {
            case "adult" -> AgeBand.AGE_BAND_ADULT;
            case "teen" -> AgeBand.AGE_BAND_TEEN;
            default -> throw new IllegalArgumentException("safeframe.age-band.when-missing must be adult or teen, not " + whenMissing);
        };
    }

    public AgeBand of(SecurityIdentity identity) {
        if (!(identity.getPrincipal() instanceof JsonWebToken token) || !token.containsClaim(CLAIM)) {
            return whenMissing;
        }
        return parse(token.getClaim(CLAIM));
    }

    static AgeBand parse(Object claim) {
        String value = claim instanceof JsonString json ? json.getString() : claim instanceof String s ? s : null;
        if ("adult".equals(value)) {
            return AgeBand.AGE_BAND_ADULT;
        }
        return AgeBand.AGE_BAND_TEEN; // "teen", and anything unrecognised: stricter, never laxer
    }
}
