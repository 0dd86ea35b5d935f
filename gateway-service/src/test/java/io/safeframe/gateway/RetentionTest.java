package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.safeframe.gateway.clips.ClipStore;
import io.safeframe.gateway.clips.StoredClip;
import io.safeframe.gateway.retention.RetentionPurge;
import io.safeframe.testing.PolicyServiceProcess;
import io.safeframe.testing.S3ProxyServer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * Retention with PostgreSQL, the S3-compatible store and policy-service's audit log: jobs of every kind and age, one
 * purge run at a fixed instant, then what is gone, what is kept and why; legal holds over the admin API with every bad
 * input; a dispute after retention is refused.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(S3ProxyServer.class)
class RetentionTest {

    private static final String EVIDENCE = """
            [{"source":"prompt-guard","decision":"BLOCK","ruleId":"lexicon:violent_extremism","reason":"blocked",
              "evidence":[{"ruleId":"lexicon:violent_extremism","category":"violent_extremism","matched":"beheading","spans":[[2,11]]}],
              "normalisation":[{"step":"leet","from":"b3heading"}],"verdictId":"v-1"}]""";

    @Inject
    RetentionPurge purge;

    @Inject
    Pool pool;

    @Inject
    ClipStore clips;

    private final Instant now = Instant.now();

    private static RequestSpecification as(String subject, String... roles) {
        return given().auth().oauth2(Tokens.valid(subject, roles)).contentType(ContentType.JSON);
    }

    private UUID job(String account, String state, String prompt, Duration age) {
        UUID id = UUID.randomUUID();
        pool.preparedQuery("""
                insert into generation_job (job_id, account_id, state, prompt, duration_seconds, aspect, correlation_id, verdicts,
                                            created_at, updated_at, next_attempt_at)
                values ($1, $2, $3, $4, 2, '16:9', 'retention-test', $5, $6, $6, $7)""")
                // next_attempt_at far ahead: the job runner leaves the held one alone
                .execute(Tuple.from(java.util.Arrays.asList(id, account, state, prompt, EVIDENCE, now.minus(age).atOffset(ZoneOffset.UTC),
                        now.plus(Duration.ofDays(1)).atOffset(ZoneOffset.UTC))))
                .await().indefinitely();
        return id;
    }

    private StoredClip clip(UUID job, String kind) {
        byte[] bytes = ("clip " + kind + " of " + job).getBytes(StandardCharsets.UTF_8);
        StoredClip stored = clips.put(ClipStore.GENERATED_PREFIX + job + "/" + kind + ".mp4", bytes);
        pool.preparedQuery("insert into job_video (job_id, kind, object_key, size_bytes, sha256) values ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(job, kind, stored.key(), stored.size(), stored.sha256())).await().indefinitely();
        return stored;
    }

    private Row row(UUID job) {
        return pool.preparedQuery("select prompt, verdicts, purged_at, (select count(*) from job_video v where v.job_id = j.job_id) as clips"
                + " from generation_job j where job_id = $1").execute(Tuple.of(job)).await().indefinitely().iterator().next();
    }

    @Test
    void blockedJobsLoseTheirPromptEvidenceAndClipsAfterRetentionAndNothingElseDoes() throws Exception {
        String owner = "ret-owner-" + UUID.randomUUID().toString().substring(0, 8);
        UUID oldBlocked = job(owner, "BLOCKED", "a b3heading video " + owner, Duration.ofDays(40));
        StoredClip generated = clip(oldBlocked, "GENERATED");
        StoredClip marked = clip(oldBlocked, "MARKED");
        UUID held = job(owner, "BLOCKED", "kept for a court " + owner, Duration.ofDays(40));
        StoredClip heldClip = clip(held, "GENERATED");
        UUID recentBlocked = job(owner, "BLOCKED", "blocked last week " + owner, Duration.ofDays(10));
        UUID oldPublished = job(owner, "PUBLISHED", null, Duration.ofDays(100));
        StoredClip published = clip(oldPublished, "MARKED");
        UUID recentPublished = job(owner, "PUBLISHED", null, Duration.ofDays(30));
        UUID waitingForReview = job(owner, "HELD_FOR_REVIEW", "still with a moderator " + owner, Duration.ofDays(100));

        // bad holds first: none of them holds anything
        given().contentType(ContentType.JSON).body("{\"reason\":\"x\"}").post("/v1/admin/legal-holds/" + held).then().statusCode(401);
        as(owner, "user").body("{\"reason\":\"x\"}").post("/v1/admin/legal-holds/" + held).then().statusCode(403);
        as("ret-mod", "moderator").body("{\"reason\":\"x\"}").post("/v1/admin/legal-holds/" + held).then().statusCode(403);
        as("ret-admin", "admin").body("{\"reason\":").post("/v1/admin/legal-holds/" + held).then().statusCode(400);
        as("ret-admin", "admin").body("{\"reason\":42}").post("/v1/admin/legal-holds/" + held).then().statusCode(400);
        as("ret-admin", "admin").body("{}").post("/v1/admin/legal-holds/" + held).then().statusCode(400);
        as("ret-admin", "admin").body("{\"reason\":\"bad \\ud800 text\"}").post("/v1/admin/legal-holds/" + held).then().statusCode(400)
                .body("detail", containsString("invalid Unicode"));
        as("ret-admin", "admin").body("{\"reason\":\"" + "x".repeat(1001) + "\"}").post("/v1/admin/legal-holds/" + held).then().statusCode(400);
        as("ret-admin", "admin").body("{\"reason\":\"x\",\"forever\":true}").post("/v1/admin/legal-holds/" + held).then().statusCode(400);
        as("ret-admin", "admin").body("{\"reason\":\"x\"}").post("/v1/admin/legal-holds/" + UUID.randomUUID()).then().statusCode(404);
        as("ret-admin", "admin").body("{\"reason\":\"x\"}").post("/v1/admin/legal-holds/not-a-uuid").then().statusCode(404);
        as("ret-admin", "admin").body("{\"reason\":\"x\"}").post("/v1/admin/legal-holds/" + held + "/release").then().statusCode(409);
        as("ret-admin", "admin").get("/v1/admin/legal-holds").then().statusCode(200).body("jobId", not(hasItem(held.toString())));

        as("ret-admin", "admin").body("{\"reason\":\"preservation order 2026-117\"}").post("/v1/admin/legal-holds/" + held).then()
                .statusCode(200).body("legalHold.reason", equalTo("preservation order 2026-117")).body("legalHold.by", equalTo("ret-admin"));
        as("ret-admin", "admin").get("/v1/admin/legal-holds").then().statusCode(200).body("jobId", hasItem(held.toString()));

        RetentionPurge.Purged first = purge.purge(now).await().atMost(Duration.ofMinutes(1));
        // at least ours: the shared test database may hold other test classes' old jobs, never younger ones
        assertTrue(first.jobs() >= 2 && first.prompts() >= 1 && first.clips() >= 2, first.toString());

        Row gone = row(oldBlocked);
        assertNull(gone.getString("prompt"));
        assertNotNull(gone.getOffsetDateTime("purged_at"));
        assertEquals(0L, gone.getLong("clips"));
        assertFalse(clips.exists(generated) || clips.exists(marked), "the blocked job's objects are deleted");
        JsonNode verdict = new ObjectMapper().readTree(gone.getString("verdicts")).get(0);
        assertEquals("BLOCK", verdict.path("decision").asText(), "the decision stays");
        assertEquals("violent_extremism", verdict.path("evidence").get(0).path("category").asText(), "the category stays");
        assertFalse(gone.getString("verdicts").contains("heading"), "no matched text or normalisation left: " + gone.getString("verdicts"));

        Row publishedRow = row(oldPublished);
        assertNotNull(publishedRow.getOffsetDateTime("purged_at"));
        assertFalse(publishedRow.getString("verdicts").contains("heading"), publishedRow.getString("verdicts"));
        assertEquals(1L, publishedRow.getLong("clips"), "a published clip is the user's content: it stays");
        assertTrue(clips.exists(published));

        for (UUID kept : List.of(held, recentBlocked, recentPublished, waitingForReview)) {
            Row r = row(kept);
            assertNull(r.getOffsetDateTime("purged_at"), "kept: " + kept);
            assertTrue(r.getString("verdicts").contains("b3heading"), "evidence kept: " + kept);
        }
        assertEquals("kept for a court " + owner, row(held).getString("prompt"));
        assertTrue(clips.exists(heldClip), "a held job's clip is kept");

        // a second run at the same instant has nothing of ours left to do
        purge.purge(now).await().atMost(Duration.ofMinutes(1));
        assertTrue(clips.exists(published) && clips.exists(heldClip));

        // a purged job can be neither held nor disputed
        as("ret-admin", "admin").body("{\"reason\":\"too late\"}").post("/v1/admin/legal-holds/" + oldBlocked).then().statusCode(409)
                .body("detail", containsString("purged"));
        as(owner, "user").body("{\"reason\":\"it was fine\"}").post("/v1/generations/" + oldBlocked + "/dispute").then().statusCode(409)
                .body("type", containsString("dispute-window-closed"));

        // released, the held job is purged by the next run like any other
        as("ret-admin", "admin").body("{\"reason\":\"order lifted\"}").post("/v1/admin/legal-holds/" + held + "/release").then()
                .statusCode(200).body("legalHold", equalTo(null));
        purge.purge(now).await().atMost(Duration.ofMinutes(1));
        assertNull(row(held).getString("prompt"));
        assertFalse(clips.exists(heldClip));

        // the runs and the holds are in the audit log, with the admin and the reasons
        List<JsonNode> events = auditEvents();
        assertTrue(events.stream().anyMatch(e -> e.path("action").asText().equals("retention.purged") && e.path("actor").asText().equals("retention")
                && e.path("attributes").path("clips").asInt() >= 2), "retention.purged");
        for (String action : List.of("legal_hold.placed", "legal_hold.released")) {
            assertTrue(events.stream().anyMatch(e -> e.path("action").asText().equals(action) && e.path("target").asText().equals(held.toString())
                    && e.path("actor").asText().equals("ret-admin") && e.path("accountId").asText().equals(owner)), action);
        }
    }

    private static List<JsonNode> auditEvents() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (int attempt = 0; attempt < 50; attempt++) {
            out.clear();
            String lines = as("ret-admin", "admin").get("/v1/admin/audit/export").then().statusCode(200).extract().asString();
            for (String line : lines.split("\n")) {
                if (!line.isBlank()) {
                    out.add(json.readTree(line));
                }
            }
            if (out.stream().anyMatch(e -> e.path("action").asText().equals("legal_hold.released"))) {
                return out;
            }
            Thread.sleep(200);
        }
        return out;
    }
}
