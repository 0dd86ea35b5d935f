package io.safeframe.gateway.console;

import java.net.URI;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The console's static files get a strict Content-Security-Policy (scripts and styles only from the gateway, calls
 * only to the gateway and the sign-in realm, no framing), so a prompt or report text that slipped markup past the
 * views still could not run. {@code /console} redirects to {@code /console/} so relative links resolve.
 */
@ApplicationScoped
public class ConsoleRoutes {

    private final String policy;

    public ConsoleRoutes(@ConfigProperty(name = "safeframe.console.authority") String authority) {
        URI realm = URI.create(authority);
        String origin = realm.getScheme() + "://" + realm.getAuthority();
        this.policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
                + "connect-src 'self' " + origin + "; frame-ancestors 'none'; base-uri 'none'; form-action 'self' " + origin;
    }

    void install(@Observes Router router) {
        router.getWithRegex("/console").order(-900).handler(rc -> rc.redirect("/console/"));
        router.route("/console/*").order(-900).handler(rc -> {
            rc.response().putHeader("Content-Security-Policy", policy).putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer");
            rc.next();
        });
    }
}
