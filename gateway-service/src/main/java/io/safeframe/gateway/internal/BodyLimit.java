package io.safeframe.gateway.internal;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Per-route body limits. The HTTP server's own limit (quarkus.http.limits.max-body-size) is global and has to
 * admit the largest upload, the public {@code POST /v1/verify} (and an admin's media for a hash bank); every other request is held to the JSON limit here,
 * before any of its body is read. A body of unknown length (chunked) is refused outside the upload route (411), so
 * the JSON limit cannot be bypassed by leaving Content-Length out.
 */
@ApplicationScoped
public class BodyLimit {

    public static final String UPLOAD_PATH = "/v1/verify";
    /** Admins add a frame or a clip to a hash bank ({@code POST /v1/admin/banks/{name}/media}). */
    private static final java.util.regex.Pattern BANK_MEDIA = java.util.regex.Pattern.compile("/v1/admin/banks/[a-z0-9-]{1,64}/media");

    /**
     * Policy administration's two large bodies: a labelled set for a backtest ({@code POST .../versions/{n}/backtest},
     * JSON Lines) and a drafted version ({@code POST .../versions}), which may carry retrained encoder heads (64 KB compact, more indented).
     */
    private static final java.util.regex.Pattern POLICY_BODY = java.util.regex.Pattern
            .compile("/v1/admin/policies/[a-z]{1,32}/versions(/[0-9]{1,9}/backtest)?");

    /** A cameo's enrolment: JSON with up to 5 base64 reference photos (each string at most 1 MiB, StrictJson). */
    public static final String CAMEO_ENROL_PATH = "/v1/cameos";
    /** Admins add a public figure to the protected-persons bank the same way. */
    public static final String PROTECTED_PERSON_PATH = "/v1/admin/protected-persons";

    private final long jsonMax;
    private final long uploadMax;
    private final long cameoMax;
    private final long backtestMax;

    public BodyLimit(@ConfigProperty(name = "safeframe.limits.json-max-bytes") long jsonMax,
            @ConfigProperty(name = "safeframe.limits.backtest-max-bytes") long backtestMax,
            @ConfigProperty(name = "safeframe.limits.upload-max-bytes") long uploadMax,
            @ConfigProperty(name = "safeframe.limits.cameo-max-bytes") long cameoMax) {
        this.jsonMax = jsonMax;
        this.uploadMax = uploadMax;
        this.cameoMax = cameoMax;
        this.backtestMax = backtestMax;
    }

    void install(@Observes Router router) {
        router.route().order(-1000).handler(this::check);
    }

    private void check(RoutingContext rc) {
        HttpMethod method = rc.request().method();
        String type = rc.request().getHeader("Content-Type");
        if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS
                || (type != null && type.startsWith("application/grpc"))) {
            rc.next();
            return;
        }
        boolean upload = UPLOAD_PATH.equals(rc.normalizedPath()) || BANK_MEDIA.matcher(rc.normalizedPath()).matches();
        boolean cameo = method == HttpMethod.POST
                && (CAMEO_ENROL_PATH.equals(rc.normalizedPath()) || PROTECTED_PERSON_PATH.equals(rc.normalizedPath()));
        boolean policyBody = method == HttpMethod.POST && POLICY_BODY.matcher(rc.normalizedPath()).matches();
        long max = upload ? uploadMax : cameo ? cameoMax : policyBody ? backtestMax : jsonMax;
        String length = rc.request().getHeader("Content-Length");
        if (length == null) {
            if (!upload && "chunked".equalsIgnoreCase(rc.request().getHeader("Transfer-Encoding"))) {
                refuse(rc, 411, "length-required", "Length required", "send Content-Length (bodies here are at most " + max + " bytes)");
                return;
            }
            rc.next();
            return;
        }
        long declared;
        try {
            declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            refuse(rc, 400, "bad-request", "The request is not valid", "Content-Length is not a number");
            return;
        }
        if (declared > max) {
            refuse(rc, 413, "body-too-large", "Request Entity Too Large", "the body is " + declared + " bytes; at most " + max + " here");
            return;
        }
        rc.next();
    }

    private static void refuse(RoutingContext rc, int status, String slug, String title, String detail) {
        JsonObject problem = new JsonObject().put("type", "https://safeframe.dev/problems/" + slug).put("title", title)
                .put("status", status).put("detail", detail);
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json").putHeader("Connection", "close")
                .end(problem.encode());
    }
}
