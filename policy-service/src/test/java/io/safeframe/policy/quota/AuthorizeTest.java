package io.safeframe.policy.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.AccountState;
import io.safeframe.api.v1.AuthorizeRequest;
import io.safeframe.api.v1.AuthorizeResponse;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.LiftSanctionRequest;
import io.safeframe.api.v1.MutinyPolicyServiceGrpc.MutinyPolicyServiceStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.ReservationRef;
import io.safeframe.api.v1.SanctionKind;
import io.safeframe.api.v1.SanctionRequest;
import io.safeframe.api.v1.Standing;
import io.safeframe.api.v1.StandingRequest;

@QuarkusTest
class AuthorizeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @GrpcClient("policy")
    MutinyPolicyServiceStub policy;

    private AuthorizeResponse authorize(String account, int seconds, String key) {
        return policy.authorize(AuthorizeRequest.newBuilder().setVideoSeconds(seconds).setIdempotencyKey(key)
                .setContext(RequestContext.newBuilder().setAccountId(account).setCorrelationId("corr-" + account))
                .build()).await().atMost(WAIT);
    }

    private AuthorizeResponse authorize(String account, String key, String fingerprint) {
        return policy.authorize(AuthorizeRequest.newBuilder().setVideoSeconds(5).setIdempotencyKey(key)
                .setRequestFingerprint(fingerprint)
                .setContext(RequestContext.newBuilder().setAccountId(account).setCorrelationId("corr-" + account))
                .build()).await().atMost(WAIT);
    }

    private Standing standing(String account) {
        return policy.getStanding(StandingRequest.newBuilder().setAccountId(account).build()).await().atMost(WAIT);
    }

    @Test
    void freeTierCountsDownAndRefundGivesBack() {
        String account = "user-" + UUID.randomUUID();
        AuthorizeResponse first = authorize(account, 5, "k1");
        assertTrue(first.getGranted());
        assertEquals(Decision.ALLOW, first.getVerdict().getDecision());
        assertEquals(9, first.getRemainingToday());
        assertEquals(9, standing(account).getRemainingToday());

        policy.refund(ReservationRef.newBuilder().setReservationId(first.getReservationId()).setReason("test")
                .setContext(RequestContext.newBuilder().setAccountId(account)).build()).await().atMost(WAIT);
        assertEquals(10, standing(account).getRemainingToday(), "refund gives the generation back");
        // refunding twice is a no-op that reports the state, not a second give-back
        assertEquals("REFUNDED", policy.refund(ReservationRef.newBuilder().setReservationId(first.getReservationId())
                .build()).await().atMost(WAIT).getState());
        assertEquals(10, standing(account).getRemainingToday());
    }

    @Test
    void sameIdempotencyKeySameReservation() {
        String account = "user-" + UUID.randomUUID();
        AuthorizeResponse a = authorize(account, 5, "same");
        AuthorizeResponse b = authorize(account, 5, "same");
        assertEquals(a.getReservationId(), b.getReservationId());
        assertEquals(9, standing(account).getRemainingToday(), "a retried Authorize does not count twice");
    }

    @Test
    void aReplayedKeyIsHonouredOnlyForTheSameRequest() {
        String account = "user-" + UUID.randomUUID();
        AuthorizeResponse first = authorize(account, "client:k", "fingerprint-a");
        assertTrue(first.getGranted());
        assertEquals(first.getReservationId(), authorize(account, "client:k", "fingerprint-a").getReservationId());
        AuthorizeResponse other = authorize(account, "client:k", "fingerprint-b");
        assertFalse(other.getGranted(), "the same key for a different prompt buys nothing");
        assertEquals("policy:IDEMPOTENCY_KEY_REUSED", other.getVerdict().getRuleId());
        assertEquals(9, standing(account).getRemainingToday(), "one generation counted, not two");
    }

    @Test
    void aReplayedKeyDoesNotOutliveASanctionOrItsOwnRefund() {
        String account = "user-" + UUID.randomUUID();
        AuthorizeResponse first = authorize(account, "client:k", "f");
        policy.refund(ReservationRef.newBuilder().setReservationId(first.getReservationId()).setReason("test")
                .setContext(RequestContext.newBuilder().setAccountId(account)).build()).await().atMost(WAIT);
        AuthorizeResponse spent = authorize(account, "client:k", "f");
        assertFalse(spent.getGranted(), "a refunded reservation is not handed out again");
        assertEquals("policy:IDEMPOTENCY_KEY_SPENT", spent.getVerdict().getRuleId());

        AuthorizeResponse live = authorize(account, "client:live", "f");
        assertTrue(live.getGranted());
        policy.applySanction(SanctionRequest.newBuilder().setAccountId(account).setKind(SanctionKind.BAN)
                .setReason("ban evasion").setCaseId("case-7").setContext(RequestContext.newBuilder().setActor("moderator-1"))
                .build()).await().atMost(WAIT);
        AuthorizeResponse afterBan = authorize(account, "client:live", "f");
        assertFalse(afterBan.getGranted(), "a ban applies to replays of reservations made before it");
        assertEquals("policy:ACCOUNT_BANNED", afterBan.getVerdict().getRuleId());
    }

    @Test
    void tierLimitsAreReasonsNotBooleans() {
        String account = "user-" + UUID.randomUUID();
        AuthorizeResponse tooLong = authorize(account, 30, "");
        assertFalse(tooLong.getGranted());
        assertEquals(Decision.BLOCK, tooLong.getVerdict().getDecision());
        assertEquals("policy:VIDEO_TOO_LONG", tooLong.getVerdict().getRuleId());
        assertTrue(tooLong.getVerdict().getReason().contains("10 s"), tooLong.getVerdict().getReason());

        assertTrue(authorize(account, 5, "").getGranted());
        assertTrue(authorize(account, 5, "").getGranted());
        AuthorizeResponse third = authorize(account, 5, "");
        assertFalse(third.getGranted(), "free tier: 2 concurrent jobs");
        assertEquals("policy:TOO_MANY_CONCURRENT_JOBS", third.getVerdict().getRuleId());
    }

    @Test
    void suspendedAccountIsRefusedWithItsReasonUntilLifted() {
        String account = "user-" + UUID.randomUUID();
        Standing suspended = policy.applySanction(SanctionRequest.newBuilder().setAccountId(account)
                .setKind(SanctionKind.SUSPEND).setDurationSeconds(3600).setReason("repeated violent content")
                .setCaseId("case-42").setContext(RequestContext.newBuilder().setActor("moderator-1")).build())
                .await().atMost(WAIT);
        assertEquals(AccountState.SUSPENDED, suspended.getState());
        assertTrue(suspended.hasSuspendedUntil());

        AuthorizeResponse refused = authorize(account, 5, "");
        assertFalse(refused.getGranted());
        assertEquals("policy:ACCOUNT_SUSPENDED", refused.getVerdict().getRuleId());
        assertTrue(refused.getVerdict().getReason().contains("repeated violent content"));

        Standing lifted = policy.liftSanction(LiftSanctionRequest.newBuilder().setAccountId(account)
                .setReason("appeal upheld").setCaseId("case-42").build()).await().atMost(WAIT);
        assertEquals(AccountState.ACTIVE, lifted.getState());
        assertTrue(authorize(account, 5, "").getGranted());
    }

    @Test
    void nobodyLiftsTheirOwnSanction() {
        String admin = "admin-" + UUID.randomUUID();
        policy.applySanction(SanctionRequest.newBuilder().setAccountId(admin).setKind(SanctionKind.SUSPEND)
                .setDurationSeconds(3600).setReason("abuse of staff tools").setCaseId("case-9")
                .setContext(RequestContext.newBuilder().setActor("moderator-1")).build()).await().atMost(WAIT);
        StatusRuntimeException own = assertThrows(StatusRuntimeException.class, () -> policy.liftSanction(LiftSanctionRequest
                .newBuilder().setAccountId(admin).setReason("I disagree").setCaseId("case-9")
                .setContext(RequestContext.newBuilder().setActor(admin)).build()).await().atMost(WAIT));
        assertEquals(Status.Code.PERMISSION_DENIED, own.getStatus().getCode());
        assertEquals(AccountState.SUSPENDED, standing(admin).getState(), "the sanction stays");
        assertEquals(AccountState.ACTIVE, policy.liftSanction(LiftSanctionRequest.newBuilder().setAccountId(admin)
                .setReason("second admin reviewed it").setCaseId("case-9")
                .setContext(RequestContext.newBuilder().setActor("admin-2")).build()).await().atMost(WAIT).getState());
    }

    @Test
    void badInputIsInvalidArgumentAndWritesNothing() {
        StatusRuntimeException noAccount = assertThrows(StatusRuntimeException.class,
                () -> authorize("", 5, ""));
        assertEquals(Status.Code.INVALID_ARGUMENT, noAccount.getStatus().getCode());
        String account = "user-" + UUID.randomUUID();
        StatusRuntimeException zeroSeconds = assertThrows(StatusRuntimeException.class, () -> authorize(account, 0, ""));
        assertEquals(Status.Code.INVALID_ARGUMENT, zeroSeconds.getStatus().getCode());
        assertEquals(10, standing(account).getRemainingToday(), "nothing was reserved");
        StatusRuntimeException noReason = assertThrows(StatusRuntimeException.class, () -> policy.applySanction(
                SanctionRequest.newBuilder().setAccountId(account).setKind(SanctionKind.BAN).build()).await().atMost(WAIT));
        assertEquals(Status.Code.INVALID_ARGUMENT, noReason.getStatus().getCode());
        assertEquals(AccountState.ACTIVE, standing(account).getState());
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> policy.commit(
                ReservationRef.newBuilder().setReservationId(UUID.randomUUID().toString()).build()).await().atMost(WAIT));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    }

    /**
     * A fresh account's first requests arriving together: the one whose insert of the account row waits for another's
     * finds no row on its own snapshot and must read again, not fail (it answered UNKNOWN before). Repeated over new
     * accounts because the race needs the inserts to overlap.
     */
    @Test
    void concurrentFirstRequestsOfANewAccountAreAllAnswered() {
        for (int round = 0; round < 10; round++) {
            String account = "user-" + UUID.randomUUID();
            java.util.List<io.smallrye.mutiny.Uni<AuthorizeResponse>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(policy.authorize(AuthorizeRequest.newBuilder().setVideoSeconds(5).setIdempotencyKey("first-" + i)
                        .setContext(RequestContext.newBuilder().setAccountId(account).setCorrelationId("corr-" + account + "-" + i)).build()));
            }
            java.util.List<AuthorizeResponse> answers = io.smallrye.mutiny.Uni.join().all(calls).andCollectFailures().await().atMost(WAIT);
            assertEquals(4, answers.size());
            assertTrue(answers.stream().anyMatch(AuthorizeResponse::getGranted), "round " + round + ": " + answers);
        }
    }
}
