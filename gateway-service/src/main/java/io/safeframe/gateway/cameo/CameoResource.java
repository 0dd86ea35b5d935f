package io.safeframe.gateway.cameo;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.google.protobuf.ByteString;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.safeframe.api.v1.EnrolRequest;
import io.safeframe.api.v1.FileReportRequest;
import io.safeframe.api.v1.GrantRequest;
import io.safeframe.api.v1.LikenessTakedown;
import io.safeframe.api.v1.ReferencePhoto;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.SetAudienceRequest;
import io.safeframe.api.v1.TakedownRequest;
import io.safeframe.api.v1.Target;
import io.safeframe.api.v1.TargetKind;
import io.safeframe.gateway.cameo.CameoBodies.AudienceBody;
import io.safeframe.gateway.cameo.CameoBodies.EnrolBody;
import io.safeframe.gateway.cameo.CameoBodies.PhotoBody;
import io.safeframe.gateway.cameo.CameoBodies.TakedownBody;
import io.safeframe.gateway.internal.CorrelationId;
import io.safeframe.gateway.internal.LikenessClient;
import io.safeframe.gateway.internal.PromptText;
import io.safeframe.gateway.internal.ReportClient;
import io.safeframe.gateway.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A person's own cameo (issue 21): enrol from reference photos, choose who may use it, grant and revoke, see every
 * generation that used it, ask for a published one to be taken down, delete it. Always the caller's own: the account
 * is the token's subject, never a path or body field.
 */
@Path("/v1/cameos")
@Tag(name = "cameos")
@Authenticated
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CameoResource {

    private static final int MAX_PHOTOS = 5;

    private final LikenessClient likeness;
    private final ReportClient reports;
    private final SecurityIdentity identity;

    public CameoResource(LikenessClient likeness, ReportClient reports, SecurityIdentity identity) {
        this.likeness = likeness;
        this.reports = reports;
        this.identity = identity;
    }

    @POST
    @Operation(summary = "Enrol your cameo: a unique handle, 1-5 photos of your face alone (PNG/JPEG, base64, each at most 1 MiB of "
            + "text), who may use it. 201 with the cameo; 409 handle taken or already enrolled; 422 a photo without exactly one clear face")
    public Uni<Response> enrol(EnrolBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (body == null) {
            throw ApiException.badRequest("a JSON body is required");
        }
        String handle = PromptText.requireText(body.handle(), "handle", 31);
        List<PhotoBody> photos = body.photos() == null ? List.of() : body.photos();
        if (photos.isEmpty() || photos.size() > MAX_PHOTOS) {
            throw ApiException.badRequest("photos: 1 to " + MAX_PHOTOS + " photos of your face are required");
        }
        List<String> granted = body.grantedAccounts() == null ? List.of() : body.grantedAccounts();
        if (granted.size() > 1000) {
            throw ApiException.badRequest("grantedAccounts: at most 1000");
        }
        EnrolRequest.Builder request = EnrolRequest.newBuilder().setContext(ctx(correlationId)).setHandle(handle)
                .setAudience(CameoViews.audience(body.audience())).addAllGrantedAccounts(granted);
        for (int i = 0; i < photos.size(); i++) {
            request.addPhotos(photo(photos.get(i), i + 1));
        }
        return likeness.enrol(request.build()).map(c -> Response.status(201).entity(CameoViews.of(c)).build());
    }

    static ReferencePhoto photo(PhotoBody p, int n) {
        if (p == null || p.data() == null || p.mediaType() == null) {
            throw ApiException.badRequest("photos[" + n + "] needs mediaType and data");
        }
        if (!p.mediaType().equals("image/png") && !p.mediaType().equals("image/jpeg")) {
            throw ApiException.badRequest("photos[" + n + "].mediaType must be image/png or image/jpeg");
        }
        try {
            return ReferencePhoto.newBuilder().setMediaType(p.mediaType()).setMedia(ByteString.copyFrom(Base64.getDecoder().decode(p.data())))
                    .build();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("photos[" + n + "].data is not base64");
        }
    }

    @GET
    @Path("/me")
    @Operation(summary = "Your cameo: handle, audience, granted accounts; 404 when you have none")
    public Uni<CameoViews.CameoView> mine(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return likeness.get(ctx(correlationId)).map(CameoViews::of);
    }

    @PUT
    @Path("/me/audience")
    @Operation(summary = "Who may use your cameo: only_me, listed_accounts or everyone. Narrowing it stops new uses at once and "
            + "queues published videos by accounts no longer allowed for your review")
    public Uni<CameoViews.CameoView> audience(AudienceBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        if (body == null) {
            throw ApiException.badRequest("a JSON body is required");
        }
        return likeness.setAudience(SetAudienceRequest.newBuilder().setContext(ctx(correlationId))
                .setAudience(CameoViews.audience(body.audience())).build()).map(CameoViews::of);
    }

    @PUT
    @Path("/me/grants/{account}")
    @Operation(summary = "Allow an account to use your cameo (counts while the audience is listed_accounts)")
    public Uni<CameoViews.CameoView> grant(@PathParam("account") String account, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return likeness.grant(GrantRequest.newBuilder().setContext(ctx(correlationId)).setAccountId(account(account)).build())
                .map(CameoViews::of);
    }

    @DELETE
    @Path("/me/grants/{account}")
    @Operation(summary = "Revoke: the account's new uses are blocked at once; its published videos wait for your review")
    public Uni<CameoViews.CameoView> revoke(@PathParam("account") String account, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        return likeness.revoke(GrantRequest.newBuilder().setContext(ctx(correlationId)).setAccountId(account(account)).build())
                .map(CameoViews::of);
    }

    @GET
    @Path("/me/uses")
    @Operation(summary = "Every generation that used your cameo: who, when, its state, whether it waits for your review")
    public Uni<Map<String, Object>> uses(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return likeness.uses(ctx(correlationId)).map(l -> Map.of("uses", l.getUsesList().stream().map(CameoViews::of).toList()));
    }

    @POST
    @Path("/me/uses/{useId}/takedown")
    @Operation(summary = "Ask for a published video of your cameo to be taken down: a report to moderation (category "
            + "real_person_likeness); the creator gets the decision as a notice. 201 with the case; 404 not a published use of yours")
    public Uni<Response> takedown(@PathParam("useId") String useId, TakedownBody body, @HeaderParam(CorrelationId.HEADER) String correlationId) {
        String reason = body == null || body.reason() == null || body.reason().isBlank() ? "I did not consent to this use of my likeness."
                : PromptText.requireText(body.reason(), "reason", 2000);
        RequestContext ctx = ctx(correlationId);
        return likeness.requestTakedown(TakedownRequest.newBuilder().setContext(ctx).setUseId(PromptText.requireText(useId, "useId", 64))
                .setReason(reason).build())
                .chain(use -> handleOf(ctx).chain(handle -> reports.file(FileReportRequest.newBuilder().setContext(ctx)
                        .setCategory("real_person_likeness")
                        .setTarget(Target.newBuilder().setKind(TargetKind.CONTENT).setId(use.getJobId()).setOwnerAccountId(use.getRequesterAccountId()))
                        .setExplanation("The person shown asks for removal (cameo owner, consent reference " + use.getConsentReferenceId()
                                + "): " + reason)
                        // the registry has just confirmed this use is a published video of the caller's cameo: the one
                        // place a report is marked as a likeness takedown (the console labels and filters by it)
                        .setLikenessTakedown(LikenessTakedown.newBuilder().setUseId(use.getUseId())
                                .setConsentReferenceId(use.getConsentReferenceId()).setHandle(handle))
                        .setGoodFaithStatement(true).build())))
                .map(ref -> Response.status(201).entity(Map.of("caseId", ref.getCaseId())).build());
    }

    @DELETE
    @Path("/me")
    @Operation(summary = "Delete your cameo: its key and every face descriptor are destroyed; the handle is free again")
    public Uni<Map<String, Object>> delete(@HeaderParam(CorrelationId.HEADER) String correlationId) {
        return likeness.unenrol(ctx(correlationId)).map(r -> Map.of("deleted", r.getDeleted()));
    }

    /**
     * The caller's @handle, for the moderators' label. Empty when it cannot be read: the owner may have deleted the
     * cameo since the video was published (its use records stay), and a missing label must not lose the takedown.
     */
    private Uni<String> handleOf(RequestContext ctx) {
        return likeness.get(ctx).map(c -> "@" + c.getHandle()).onFailure().recoverWithItem("");
    }

    private static String account(String account) {
        return PromptText.requireText(account, "account", 255);
    }

    private RequestContext ctx(String correlationId) {
        String me = identity.getPrincipal().getName();
        return RequestContext.newBuilder().setAccountId(me).setActor(me).setCorrelationId(correlationId == null ? "" : correlationId).build();
    }
}
