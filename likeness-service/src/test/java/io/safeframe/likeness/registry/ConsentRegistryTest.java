package io.safeframe.likeness.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.Audience;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.CameoRequest;
import io.safeframe.api.v1.CameoUse;
import io.safeframe.api.v1.CheckPromptRequest;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.EnrolRequest;
import io.safeframe.api.v1.ExportAuditRequest;
import io.safeframe.api.v1.GrantRequest;
import io.safeframe.api.v1.LikenessCheck;
import io.safeframe.api.v1.LikenessGrpc.LikenessBlockingStub;
import io.safeframe.api.v1.PolicyServiceGrpc.PolicyServiceBlockingStub;
import io.safeframe.api.v1.ReferencePhoto;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.SetAudienceRequest;
import io.safeframe.api.v1.TakedownRequest;
import io.safeframe.api.v1.UnenrolResult;
import io.safeframe.api.v1.UseStateRequest;
import io.safeframe.likeness.crypto.DescriptorVault;
import io.safeframe.testing.PackagedService;
import io.safeframe.testing.PolicyServiceProcess;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * The registry over real gRPC (mutual TLS, as itself with the owner's actor) against its real database and the
 * packaged policy-service (audit chain). Enrolment's descriptors come from frame-classifier's DescribeFaces, which
 * is not implemented yet: here the cameo is stored through {@link CameoStore#insert} — the same production code
 * Enrol ends in — with descriptors the test makes, and everything after enrolment runs through the service's RPCs.
 */
@QuarkusTest
@QuarkusTestResource(PolicyServiceProcess.class)
class ConsentRegistryTest {

    @GrpcClient("self")
    LikenessBlockingStub likeness;

    @GrpcClient("policy")
    PolicyServiceBlockingStub policy;

    @Inject
    Pool pool;

    @Inject
    CameoStore store;

    private static RequestContext as(String actor) {
        return RequestContext.newBuilder().setActor(actor).setAccountId(actor).setCorrelationId("test-" + UUID.randomUUID()).build();
    }

    private static float[] descriptor(long seed) {
        Random r = new Random(seed);
        float[] d = new float[128];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian() * 0.08f;
        }
        return d;
    }

    private UUID enrolDirectly(String owner, String handle, List<float[]> descriptors) {
        return pool.withTransaction(sql -> store.insert(sql, "cameo", owner, handle, null, Audience.ONLY_ME, descriptors))
                .await().indefinitely();
    }

    private LikenessCheck prompt(String requester, String text, String job) {
        return likeness.checkPrompt(CheckPromptRequest.newBuilder().setContext(as(requester)).setPrompt(text).setJobId(job).build());
    }

    @Test
    void grantUseRevokeTakedownUnenrol() {
        String tag = Long.toString(System.nanoTime(), 36);
        String alice = "alice-" + tag;
        String bob = "bob-" + tag;
        String handle = "alice_" + tag;
        List<float[]> refs = List.of(descriptor(1), descriptor(2));
        UUID id = enrolDirectly(alice, handle, refs);

        // without consent: blocked at the prompt with a reason a person understands; nothing recorded
        LikenessCheck refused = prompt(bob, "@" + handle + " skydiving", "job-a-" + tag);
        assertEquals(Decision.BLOCK, refused.getVerdict().getDecision());
        assertEquals("@" + handle + " has not allowed you to use their likeness.", refused.getVerdict().getPublicReason());
        assertEquals("real_person_likeness", refused.getVerdict().getCategories(0).getCategory());
        assertEquals(0, refused.getConsentedCount());
        assertEquals(0, count("select count(*) from likeness_use where likeness_id = $1", id));

        // hostile spelling of the same handle: still blocked
        String hidden = "@" + handle.charAt(0) + "\u200B" + handle.substring(1).replace('a', '\u0430');
        assertEquals(Decision.BLOCK, prompt(bob, hidden + " on a boat", "job-h-" + tag).getVerdict().getDecision());

        // an unknown handle is plain text
        LikenessCheck unknown = prompt(bob, "a sign reading @nobody_" + tag, "job-u-" + tag);
        assertEquals(Decision.ALLOW, unknown.getVerdict().getDecision());
        assertEquals(List.of("@nobody_" + tag), unknown.getUnknownHandlesList());

        // listed accounts, bob not yet listed: still blocked; granted: allowed, the use recorded, its id is the consent reference; a retried check gives the same id
        likeness.setAudience(SetAudienceRequest.newBuilder().setContext(as(alice)).setAudience(Audience.LISTED_ACCOUNTS).build());
        assertEquals(Decision.BLOCK, prompt(bob, "@" + handle + " skydiving", "job-b-" + tag).getVerdict().getDecision());
        var cameo = likeness.grant(GrantRequest.newBuilder().setContext(as(alice)).setAccountId(bob).build());
        assertEquals(List.of(bob), cameo.getGrantedAccountsList());
        LikenessCheck allowed = prompt(bob, "@" + handle + " skydiving", "job-b-" + tag);
        assertEquals(Decision.ALLOW, allowed.getVerdict().getDecision());
        String consentId = allowed.getConsented(0).getConsentReferenceId();
        assertEquals(consentId, prompt(bob, "@" + handle + " skydiving", "job-b-" + tag).getConsented(0).getConsentReferenceId());
        likeness.setUseState(UseStateRequest.newBuilder().setContext(as("gateway-service")).setJobId("job-b-" + tag).setState("PUBLISHED").build());

        // revocation: new uses blocked at once, the published one queued for the owner
        likeness.revoke(GrantRequest.newBuilder().setContext(as(alice)).setAccountId(bob).build());
        assertEquals(Decision.BLOCK, prompt(bob, "@" + handle + " again", "job-c-" + tag).getVerdict().getDecision());
        List<CameoUse> uses = likeness.listUses(CameoRequest.newBuilder().setContext(as(alice)).build()).getUsesList();
        assertEquals(1, uses.size(), uses.toString());
        CameoUse use = uses.get(0);
        assertEquals(consentId, use.getConsentReferenceId());
        assertEquals(bob, use.getRequesterAccountId());
        assertEquals("PUBLISHED", use.getState());
        assertTrue(use.getOwnerReview(), "a published video whose consent was withdrawn waits for the owner");
        assertTrue(likeness.listUses(CameoRequest.newBuilder().setContext(as(bob)).build()).getUsesList().isEmpty(),
                "bob has no cameo: he sees nobody's uses");

        // everyone may use it, then only the owner: a use made under "everyone" goes to review when that ends
        likeness.setAudience(SetAudienceRequest.newBuilder().setContext(as(alice)).setAudience(Audience.EVERYONE).build());
        String carol = "carol-" + tag;
        assertEquals(Decision.ALLOW, prompt(carol, "@" + handle, "job-d-" + tag).getVerdict().getDecision());
        likeness.setUseState(UseStateRequest.newBuilder().setContext(as("gateway-service")).setJobId("job-d-" + tag).setState("PUBLISHED").build());
        likeness.setAudience(SetAudienceRequest.newBuilder().setContext(as(alice)).setAudience(Audience.ONLY_ME).build());
        assertEquals(Decision.BLOCK, prompt(carol, "@" + handle, "job-e-" + tag).getVerdict().getDecision());
        assertTrue(likeness.listUses(CameoRequest.newBuilder().setContext(as(alice)).build()).getUsesList().stream()
                .allMatch(CameoUse::getOwnerReview));
        assertEquals(Decision.ALLOW, prompt(alice, "@" + handle + " by herself", "job-f-" + tag).getVerdict().getDecision());

        // takedown: only the owner, only a published use
        assertRefused(Status.Code.NOT_FOUND, () -> likeness.requestTakedown(TakedownRequest.newBuilder().setContext(as(bob))
                .setUseId(use.getUseId()).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> likeness.requestTakedown(TakedownRequest.newBuilder().setContext(as(alice))
                .setUseId("not-a-uuid").build()));
        CameoUse taken = likeness.requestTakedown(TakedownRequest.newBuilder().setContext(as(alice)).setUseId(use.getUseId())
                .setReason("I never agreed to this one").build());
        assertEquals("job-b-" + tag, taken.getJobId());

        // unenrolment: crypto-shredded, the database checked
        List<byte[]> sealedBefore = sealed(id);
        assertEquals(2, sealedBefore.size());
        UnenrolResult gone = likeness.unenrol(CameoRequest.newBuilder().setContext(as(alice)).build());
        assertEquals(2, gone.getDescriptorsDeleted());
        assertEquals(0, count("select count(*) from likeness where id = $1", id));
        assertEquals(0, count("select count(*) from likeness_descriptor where likeness_id = $1", id));
        assertEquals(0, count("select count(*) from likeness_grant where likeness_id = $1", id));
        assertEquals(0, count("select count(*) from likeness where owner_account = $1", alice));
        assertEquals(Decision.ALLOW, prompt(bob, "@" + handle, "job-g-" + tag).getVerdict().getDecision(),
                "after unenrolment the handle is plain text again");
        assertEquals(3, count("select count(*) from likeness_use where owner_account = $1 and likeness_id is null", alice),
                "the uses stay for the record, without a link to biometric data");
        assertRefused(Status.Code.NOT_FOUND, () -> likeness.unenrol(CameoRequest.newBuilder().setContext(as(alice)).build()));

        // every consent change is in policy-service's audit chain, under the owner
        List<String> trail = auditTrail(id.toString(), "job-b-" + tag);
        assertEquals(List.of("likeness.audience_set:" + alice, "likeness.granted:" + alice, "likeness.revoked:" + alice, "likeness.audience_set:" + alice,
                "likeness.audience_set:" + alice, "likeness.takedown_requested:" + alice, "likeness.unenrolled:" + alice), trail);
    }

    @Test
    void storedDescriptorsAreSealedAndOpenOnlyWithTheWrappedKey() {
        String tag = Long.toString(System.nanoTime(), 36);
        float[] d = descriptor(7);
        UUID id = enrolDirectly("dora-" + tag, "dora_" + tag, List.of(d));
        byte[] sealed = sealed(id).get(0);
        ByteBuffer plain = ByteBuffer.allocate(16);
        for (int i = 0; i < 4; i++) {
            plain.putFloat(d[i]);
        }
        assertFalse(contains(sealed, plain.array()), "the database holds the descriptor in clear");
        Row key = pool.preparedQuery("select master_key_id, wrapped_key from likeness where id = $1").execute(Tuple.of(id))
                .await().indefinitely().iterator().next();
        assertEquals(12, key.getString("master_key_id").length());
        assertFalse(contains(key.getBuffer("wrapped_key").getBytes(), new byte[16]), "wrapped key looks unwrapped");
        var opened = pool.withConnection(store::enrolledWithDescriptors).await().indefinitely().stream()
                .filter(e -> e.likenessId().equals(id.toString())).findFirst().orElseThrow();
        assertEquals(1, opened.descriptors().size());
        for (int i = 0; i < 128; i++) {
            assertEquals(d[i], opened.descriptors().get(0)[i]);
        }
        // a sealed row copied onto another person's record does not open (bound to its likeness id)
        UUID other = enrolDirectly("erin-" + tag, "erin_" + tag, List.of(descriptor(8)));
        pool.preparedQuery("update likeness_descriptor set sealed = $1 where likeness_id = $2")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(sealed), other)).await().indefinitely();
        assertThrows(DescriptorVault.SealedDataException.class, () -> pool.withConnection(store::enrolledWithDescriptors).await().indefinitely());
        pool.withTransaction(sql -> store.delete(sql, other)).await().indefinitely();
    }

    @Test
    void enrolmentRefusesBadInputBeforeDescribingAnything() {
        RequestContext erin = as("erin-" + System.nanoTime());
        ReferencePhoto png = ReferencePhoto.newBuilder().setMedia(ByteString.copyFrom(new byte[] { (byte) 0x89, 'P', 'N', 'G' }))
                .setMediaType("image/png").build();
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> likeness.enrol(EnrolRequest.newBuilder().setContext(erin).setHandle("e")
                .addPhotos(png).setAudience(Audience.ONLY_ME).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> likeness.enrol(EnrolRequest.newBuilder().setContext(erin).setHandle("\u0430lice_x")
                .addPhotos(png).setAudience(Audience.ONLY_ME).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> likeness.enrol(EnrolRequest.newBuilder().setContext(erin).setHandle("erin_ok")
                .setAudience(Audience.ONLY_ME).build()));
        EnrolRequest.Builder six = EnrolRequest.newBuilder().setContext(erin).setHandle("erin_ok").setAudience(Audience.ONLY_ME);
        for (int i = 0; i < 6; i++) {
            six.addPhotos(png);
        }
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> likeness.enrol(six.build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> likeness.enrol(EnrolRequest.newBuilder().setContext(erin).setHandle("erin_ok")
                .addPhotos(png.toBuilder().setMediaType("image/gif")).setAudience(Audience.ONLY_ME).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> likeness.enrol(EnrolRequest.newBuilder().setContext(erin).setHandle("erin_ok")
                .addPhotos(png).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> likeness.enrol(EnrolRequest.newBuilder().setContext(erin).setHandle("erin_ok")
                .addPhotos(png).setAudience(Audience.LISTED_ACCOUNTS).addGrantedAccounts(erin.getActor()).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> likeness.enrol(EnrolRequest.newBuilder()
                .setContext(erin.toBuilder().setActor("")).setHandle("erin_ok").addPhotos(png).setAudience(Audience.ONLY_ME).build()));
        assertEquals(0, count("select count(*) from likeness where owner_account = $1", erin.getActor()));
    }

    @Test
    void consentChangesNeedACameoAndSaneAccounts() {
        RequestContext nobody = as("nobody-" + System.nanoTime());
        assertRefused(Status.Code.NOT_FOUND, () -> likeness.grant(GrantRequest.newBuilder().setContext(nobody).setAccountId("bob").build()));
        assertRefused(Status.Code.NOT_FOUND, () -> likeness.getCameo(CameoRequest.newBuilder().setContext(nobody).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> likeness.grant(GrantRequest.newBuilder().setContext(nobody).setAccountId(" ").build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> likeness.setAudience(SetAudienceRequest.newBuilder().setContext(nobody).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> likeness.setUseState(UseStateRequest.newBuilder().setContext(nobody)
                .setJobId("j").setState("PWNED").build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> prompt("bob", "x".repeat(20_001), "j"));
    }

    @Test
    void consentChangesWhilePolicyServiceIsDownStandAndReachTheAuditChainWhenItIsBack() throws Exception {
        String tag = Long.toString(System.nanoTime(), 36);
        String carol = "carol-" + tag;
        String dave = "dave-" + tag;
        UUID id = enrolDirectly(carol, "carol_" + tag, List.of(descriptor(11)));
        PackagedService policyService = PackagedService.running(PolicyServiceProcess.class);
        policyService.kill();
        try {
            // before the outbox these were refused (UNAVAILABLE): an owner could not revoke while the audit chain was down
            likeness.setAudience(SetAudienceRequest.newBuilder().setContext(as(carol)).setAudience(Audience.LISTED_ACCOUNTS).build());
            assertEquals(List.of(dave), likeness.grant(GrantRequest.newBuilder().setContext(as(carol)).setAccountId(dave).build())
                    .getGrantedAccountsList());
            assertEquals(Decision.ALLOW, prompt(dave, "@carol_" + tag + " dancing", "job-d1-" + tag).getVerdict().getDecision());
            assertEquals(List.of(), likeness.revoke(GrantRequest.newBuilder().setContext(as(carol)).setAccountId(dave).build())
                    .getGrantedAccountsList());
            assertEquals(Decision.BLOCK, prompt(dave, "@carol_" + tag + " dancing", "job-d2-" + tag).getVerdict().getDecision(),
                    "the revocation is in force at once, audit or not");
            assertEquals(List.of("likeness.audience_set", "likeness.granted", "likeness.revoked"), pendingEvents(id.toString()),
                    "the events wait in the outbox, in order");
        } finally {
            policyService.restart();
        }
        long until = System.currentTimeMillis() + 90_000;
        while (!pendingEvents(id.toString()).isEmpty() && System.currentTimeMillis() < until) {
            Thread.sleep(500);
        }
        assertEquals(List.of(), pendingEvents(id.toString()), "the relay delivered them once policy-service was back");
        assertEquals(List.of("likeness.audience_set:" + carol, "likeness.granted:" + carol, "likeness.revoked:" + carol),
                auditTrail(id.toString(), "none"),
                "in the chain, in order, under the owner");
    }

    /** Actions of the outbox's undelivered events about one target, oldest first. */
    private List<String> pendingEvents(String target) {
        List<String> out = new ArrayList<>();
        pool.query("select event from audit_outbox where delivered_at is null order by id").execute().await().indefinitely().forEach(r -> {
            try {
                AuditEvent e = AuditEvent.parseFrom(r.getBuffer("event").getBytes());
                if (e.getTarget().equals(target)) {
                    out.add(e.getAction());
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException bad) {
                throw new AssertionError(bad);
            }
        });
        return out;
    }

    /** The chain's events about the cameo or the job, once the outbox is empty (the relay runs every second). */
    private List<String> auditTrail(String cameoId, String jobId) {
        long until = System.currentTimeMillis() + 30_000;
        while (pool.query("select count(*) from audit_outbox where delivered_at is null").execute().await().indefinitely()
                .iterator().next().getLong(0) > 0 && System.currentTimeMillis() < until) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> out = new ArrayList<>();
        policy.exportAudit(ExportAuditRequest.newBuilder().setContext(RequestContext.newBuilder().setActor("likeness-service")).build())
                .forEachRemaining(line -> {
                    JsonObject j = new JsonObject(line.getJson());
                    String target = j.getString("target", "");
                    if ("event".equals(j.getString("type")) && (target.equals(cameoId) || target.equals(jobId))) {
                        out.add(j.getString("action") + ":" + j.getString("actor"));
                    }
                });
        return out;
    }

    private List<byte[]> sealed(UUID id) {
        List<byte[]> out = new ArrayList<>();
        pool.preparedQuery("select sealed from likeness_descriptor where likeness_id = $1 order by ordinal").execute(Tuple.of(id))
                .await().indefinitely().forEach(r -> out.add(r.getBuffer("sealed").getBytes()));
        return out;
    }

    private long count(String sql, Object param) {
        return pool.preparedQuery(sql).execute(Tuple.of(param)).await().indefinitely().iterator().next().getLong(0);
    }

    private static void assertRefused(Status.Code code, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().getDescription());
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
