package io.safeframe.report.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.safeframe.api.v1.AccountSettings;
import io.safeframe.api.v1.AuditEvent;
import io.safeframe.api.v1.CategoryScore;
import io.safeframe.api.v1.Decision;
import io.safeframe.api.v1.LabelItemRequest;
import io.safeframe.api.v1.LabellingItem;
import io.safeframe.api.v1.LabellingListRequest;
import io.safeframe.api.v1.LabellingOffer;
import io.safeframe.api.v1.LabellingOfferResult;
import io.safeframe.api.v1.LabelsRequest;
import io.safeframe.api.v1.ReportServiceGrpc.ReportServiceBlockingStub;
import io.safeframe.api.v1.RequestContext;
import io.safeframe.api.v1.SafetyLabel;
import io.safeframe.api.v1.Verdict;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;

/**
 * Active learning's labelling queue: what is let in (consent, one per near-duplicate, a daily share per account,
 * scrubbed), the order moderators see, and a label becoming a safety label in the same transaction, audited.
 */
@QuarkusTest
class LabellingQueueTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Random SIGNATURES = new Random();

    @GrpcClient("self")
    ReportServiceBlockingStub reports;

    @Inject
    Pool pool;

    private static RequestContext as(String account) {
        return RequestContext.newBuilder().setAccountId(account).setActor(account).setCorrelationId("t-" + System.nanoTime()).build();
    }

    private static LabellingOffer.Builder offer(String account, String prompt, double margin) {
        return LabellingOffer.newBuilder().setContext(as(account)).setPromptText(prompt).setNearDuplicateSignature(SIGNATURES.nextLong())
                .setReviewMargin(margin).setVerdict(Verdict.newBuilder().setDecision(Decision.ALLOW).setPolicyVersion("pv-al-1")
                        .setSource("prompt-guard").addCategories(CategoryScore.newBuilder().setCategory("self_harm").setScore(0.41)));
    }

    private void consent(String account, boolean yes) {
        reports.putAccountSettings(AccountSettings.newBuilder().setContext(as(account)).setTrainingUse(yes).build());
    }

    private static void assertRefused(Status.Code code, Runnable call) {
        io.safeframe.report.Fixtures.assertRefused(code, call);
    }

    /** Letters only: a run of digits is a phone number to the scrubber, and the marker must survive it. */
    private static String letters() {
        return UUID.randomUUID().toString().substring(0, 8).chars().mapToObj(c -> String.valueOf((char) (Character.isDigit(c) ? c - '0' + 'g' : c)))
                .collect(java.util.stream.Collectors.joining()).replace('-', 'x');
    }

    private List<LabellingItem> pending() {
        return reports.listLabelling(LabellingListRequest.newBuilder().setLimit(200).build()).getItemsList();
    }

    @Test
    void onlyConsentingAccountsOnceEachWithinTheirShareAndScrubbed() {
        String run = letters();
        String yes = "al-yes-" + run;
        String no = "al-no-" + run;
        consent(yes, true);
        consent(no, false);

        LabellingOfferResult refused = reports.offerForLabelling(offer(no, "a quiet lake at dusk " + run, 0.05).build());
        assertFalse(refused.getQueued());
        assertTrue(refused.getReason().contains("consented"), refused.getReason());
        assertFalse(reports.offerForLabelling(offer("al-never-" + run, "x " + run, 0.05).build()).getQueued(), "no setting = no consent");

        LabellingOfferResult teen = reports.offerForLabelling(offer(yes, "a teen's prompt " + run, 0.05)
                .setContext(as(yes).toBuilder().setAgeBand(io.safeframe.api.v1.AgeBand.AGE_BAND_TEEN)).build());
        assertFalse(teen.getQueued(), "a teen's prompt is never sampled, consent or not");

        LabellingOffer first = offer(yes, "how many pills so Maria Lopez (maria.l@example.com, +1 415 555 0134) sleeps " + run, 0.02).build();
        LabellingOfferResult queued = reports.offerForLabelling(first);
        assertTrue(queued.getQueued(), queued.getReason());
        LabellingOfferResult again = reports.offerForLabelling(first.toBuilder().setPromptText("HOW many pills " + run).build());
        assertFalse(again.getQueued(), "the same near-duplicate signature is queued once");
        assertTrue(again.getReason().contains("near-identical"), again.getReason());

        LabellingItem stored = pending().stream().filter(i -> i.getItemId().equals(queued.getItemId())).findFirst().orElseThrow();
        for (String personal : List.of("Maria", "Lopez", "maria.l@example.com", "555 0134")) {
            assertFalse(stored.getPromptText().contains(personal), personal + " was stored: " + stored.getPromptText());
        }
        assertTrue(stored.getPromptText().contains("[EMAIL]") && stored.getPromptText().contains(run), stored.getPromptText());
        assertEquals("ALLOW", stored.getMachineDecision());
        assertEquals("self_harm", stored.getCategory());
        assertEquals("pv-al-1", stored.getPolicyVersion());

        // the daily share (3 in %test): two more are queued, the fourth is not
        assertTrue(reports.offerForLabelling(offer(yes, "second " + run, 0.3).build()).getQueued());
        assertTrue(reports.offerForLabelling(offer(yes, "third " + run, 0.01).build()).getQueued());
        LabellingOfferResult over = reports.offerForLabelling(offer(yes, "fourth " + run, 0.01).build());
        assertFalse(over.getQueued());
        assertTrue(over.getReason().contains("daily share"), over.getReason());

        // least sure first
        List<Double> margins = pending().stream().map(LabellingItem::getReviewMargin).toList();
        assertEquals(margins.stream().sorted().toList(), margins);

        // bad offers: a clear error, nothing stored
        long before = count();
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.offerForLabelling(offer(yes, " ", 0.1).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.offerForLabelling(offer(yes, "x".repeat(4001), 0.1).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.offerForLabelling(offer(yes, "y", Double.NaN).build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.offerForLabelling(offer(yes, "y", 0.1).clearVerdict().build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.offerForLabelling(offer("", "y", 0.1).build()));
        assertEquals(before, count());
    }

    @Test
    void aLabelLeavesTheQueueAsASafetyLabelInOneTransactionAndIsAudited() {
        String run = letters();
        String account = "al-lab-" + run;
        consent(account, true);
        String unsafeId = reports.offerForLabelling(offer(account, "so she never wakes up, peaceful " + run, 0.04).build()).getItemId();
        String safeId = reports.offerForLabelling(offer(account, "a nurse explains sleep hygiene " + run, 0.08).build()).getItemId();
        RequestContext moderator = RequestContext.newBuilder().setActor("mod-al-" + run).setCorrelationId("t-" + run).build();

        // bad labels change nothing
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.labelItem(LabelItemRequest.newBuilder().setContext(moderator)
                .setItemId(unsafeId).setLabel("maybe").build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.labelItem(LabelItemRequest.newBuilder().setContext(moderator)
                .setItemId(unsafeId).setLabel("unsafe").build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.labelItem(LabelItemRequest.newBuilder().setContext(moderator)
                .setItemId("not-a-uuid").setLabel("safe").build()));
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.labelItem(LabelItemRequest.newBuilder().setItemId(unsafeId)
                .setLabel("safe").build()));
        assertRefused(Status.Code.NOT_FOUND, () -> reports.labelItem(LabelItemRequest.newBuilder().setContext(moderator)
                .setItemId(UUID.randomUUID().toString()).setLabel("safe").build()));

        LabellingItem labelled = reports.labelItem(LabelItemRequest.newBuilder().setContext(moderator).setItemId(unsafeId)
                .setLabel("unsafe").setCategory("self_harm").setNote("method implied").build());
        assertEquals("LABELLED", labelled.getState());
        assertEquals("unsafe", labelled.getLabel());
        assertEquals("mod-al-" + run, labelled.getLabelledBy());
        reports.labelItem(LabelItemRequest.newBuilder().setContext(moderator).setItemId(safeId).setLabel("safe").build());
        assertRefused(Status.Code.FAILED_PRECONDITION, () -> reports.labelItem(LabelItemRequest.newBuilder().setContext(moderator)
                .setItemId(unsafeId).setLabel("safe").build()));
        assertTrue(pending().stream().noneMatch(i -> i.getItemId().equals(unsafeId) || i.getItemId().equals(safeId)));

        List<SafetyLabel> labels = reports.listLabels(LabelsRequest.newBuilder().setSource("labelling").setLimit(500).build()).getLabelsList();
        SafetyLabel unsafe = labels.stream().filter(l -> l.getTargetId().equals(unsafeId)).findFirst().orElseThrow();
        assertEquals("BLOCK", unsafe.getDecision());
        assertEquals("ALLOW", unsafe.getMachineDecision(), "the machine allowed it: this label is a miss");
        assertEquals("self_harm", unsafe.getCategory());
        assertEquals("pv-al-1", unsafe.getPolicyVersion());
        assertEquals("", unsafe.getCaseId(), "a labelling judgement has no case");
        assertEquals("PROMPT", unsafe.getTargetKind());
        SafetyLabel safe = labels.stream().filter(l -> l.getTargetId().equals(safeId)).findFirst().orElseThrow();
        assertEquals("ALLOW", safe.getDecision());
        assertEquals("self_harm", safe.getCategory(), "a safe label keeps the category the machine suspected");
        assertRefused(Status.Code.INVALID_ARGUMENT, () -> reports.listLabels(LabelsRequest.newBuilder().setSource("guesswork").build()));

        assertTrue(audit().stream().anyMatch(e -> e.getAction().equals("labelling.labelled") && e.getTarget().equals("labelling:" + unsafeId)
                && e.getAttributesMap().get("label").equals("unsafe")));
    }

    private long count() {
        return pool.query("select count(*) from labelling_item").execute().await().atMost(WAIT).iterator().next().getLong(0);
    }

    private List<AuditEvent> audit() {
        return io.safeframe.report.Fixtures.auditEvents(pool);
    }
}
