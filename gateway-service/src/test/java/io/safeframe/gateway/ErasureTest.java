package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.safeframe.gateway.clips.ClipStore;
import io.safeframe.testing.FramesServiceProcess;
import io.safeframe.testing.GeneratorServiceProcess;
import io.safeframe.testing.GuardServiceProcess;
import io.safeframe.testing.LikenessServiceProcess;
import io.safeframe.testing.PackagedService;
import io.safeframe.testing.PolicyServiceProcess;
import io.safeframe.testing.ProvenanceServiceProcess;
import io.safeframe.testing.ReportServiceProcess;
import io.safeframe.testing.S3ProxyServer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;

/**
 * Erasure of an account (GDPR Art. 17, docs/retention.md#erasure) over the public API with real policy, prompt-guard,
 * report, frame-classifier, provenance, generator and likeness processes, PostgreSQL and the S3-compatible store. Alice
 * generates (one clip published, one prompt blocked), files a report, is reported, has her clip removed and appeals;
 * likeness-service is down at her first attempt (503), the retry erases. Then every text column of every database of
 * the stack is searched for her account id and her own words, the clips are gone from the store, and the audit chain
 * still verifies. Around it: every refusal, the admin route, a legal hold that keeps a job, a second erasure.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(S3ProxyServer.class)
@QuarkusTestResource(value = GuardServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ReportServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FramesServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ProvenanceServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GeneratorServiceProcess.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = LikenessServiceProcess.class, restrictToAnnotatedClass = true)
class ErasureTest {

    private static final Duration FLOW = Duration.ofSeconds(90);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String ALICE = "era-alice-" + RUN;
    private static final String BOB = "era-bob-" + RUN;
    private static final String CAROL = "era-carol-" + RUN;
    private static final String MOD = "era-mod-" + RUN;
    private static final String ADMIN = "era-admin-" + RUN;
    /** Alice's own words: none may survive her erasure. */
    private static final String PUBLISHED_PROMPT = "a lighthouse on a cliff at dusk " + RUN;
    private static final String BLOCKED_PROMPT = "a beheading video by jihadists " + RUN;
    private static final String ALICE_REPORT = "alice thinks this is spam " + RUN;
    private static final String ALICE_APPEAL = "alice says a lighthouse is not gore " + RUN;
    /** Bob's words about Alice's clip: about her, so they go with her too. */
    private static final String BOB_WORDS = "bob-saw-it-" + RUN;

    @Inject
    Pool pool;

    @Inject
    ClipStore clips;

    private static RequestSpecification as(String subject, String... roles) {
        return given().auth().oauth2(Tokens.valid(subject, roles)).contentType(ContentType.JSON);
    }

    private static String generate(String user, String prompt) {
        return as(user, "user").body("{\"prompt\":\"" + prompt + "\",\"durationSeconds\":2}").post("/v1/generations").then()
                .statusCode(202).extract().path("id");
    }

    private static String report(String user, String target, String category, String explanation) {
        return as(user, "user").body("{\"targetType\":\"content\",\"targetId\":\"" + target + "\",\"category\":\"" + category
                + "\",\"explanation\":\"" + explanation + "\",\"goodFaith\":true}").post("/v1/reports").then().statusCode(201)
                .extract().path("caseId");
    }

    private static Response eraseSelf(String user, String confirm) {
        return as(user, "user").body("{\"confirmAccount\":\"" + confirm + "\"}").delete("/v1/me");
    }

    private static void awaitPublished(String user, String id) {
        long deadline = System.nanoTime() + FLOW.toNanos();
        String state;
        do {
            state = as(user, "user").get("/v1/generations/" + id).then().extract().path("state");
            if ("PUBLISHED".equals(state)) {
                return;
            }
            assertFalse(List.of("BLOCKED", "FAILED").contains(state), "job " + id + " ended " + state);
            sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("job " + id + " not published within " + FLOW + ", last " + state);
    }

    @Test
    void erasureLeavesNoneOfTheAccountsDataAndTheAuditChainVerifies() throws Exception {
        String published = generate(ALICE, PUBLISHED_PROMPT);
        String carolVideo = generate(CAROL, "a red kite over a wheat field " + RUN);
        as(ALICE, "user").body("{\"prompt\":\"" + BLOCKED_PROMPT + "\"}").post("/v1/generations").then().statusCode(422)
                .body("job.state", equalTo("BLOCKED"));
        awaitPublished(ALICE, published);
        awaitPublished(CAROL, carolVideo);

        // Alice reports Carol; Bob reports Alice; a moderator removes Alice's clip; Alice appeals
        report(ALICE, carolVideo, "spam_scam", ALICE_REPORT);
        String caseAboutAlice = report(BOB, published, "violence_gore", BOB_WORDS);
        int version = as(MOD, "moderator").post("/v1/moderation/queues/violence_gore/claim").then().statusCode(200)
                .body("caseId", equalTo(caseAboutAlice)).extract().path("version");
        String decisionId = as(MOD, "moderator").body("{\"action\":\"REMOVE_CONTENT\",\"facts\":\"Graphic violence at 0:01.\","
                + "\"ground\":\"Terms §4.2 graphic violence\",\"caseVersion\":" + version + "}")
                .post("/v1/moderation/cases/" + caseAboutAlice + "/decision").then().statusCode(200).extract().path("decisionId");
        as(ALICE, "user").body("{\"decisionId\":\"" + decisionId + "\",\"explanation\":\"" + ALICE_APPEAL + "\"}")
                .post("/v1/appeals").then().statusCode(201);

        List<String> aliceObjects = objectKeys(ALICE);
        assertFalse(aliceObjects.isEmpty(), "Alice's published clip is in the store before the erasure");
        aliceObjects.forEach(key -> assertTrue(Files.exists(object(key)), key));
        // the scan finds her before the erasure: it would not pass for want of looking
        assertFalse(occurrences(needles()).isEmpty(), "the database-wide check finds nothing even before the erasure");

        refusalsEraseNothing(published, carolVideo);

        // likeness-service down: 503 and no claim of success; once it is back, the same request erases
        PackagedService likeness = PackagedService.running(LikenessServiceProcess.class);
        likeness.kill();
        try {
            eraseSelf(ALICE, ALICE).then().statusCode(503);
        } finally {
            likeness.restart();
        }
        JsonPath erased = retryUntilErased(ALICE);
        assertTrue(erased.getBoolean("complete"));
        assertEquals(List.of(), erased.getList("legalHolds"));
        assertEquals(List.of("gateway-service", "frame-classifier-service", "likeness-service", "report-service", "policy-service"),
                erased.getList("services.service"));
        assertTrue(erased.getList("kept.service").contains("policy-service"), "the audit log's kept entry is stated");
        assertTrue(erased.getList("kept.what").toString().contains("decisions and statements of reasons"), erased.prettify());
        assertTrue(erased.getString("services.find { it.service == 'report-service' }.erased.what").contains("reports filed"),
                erased.prettify());
        assertTrue(erased.getString("services.find { it.service == 'policy-service' }.erased.what").contains("screening_window"),
                erased.prettify());

        // her clips are gone from the store, not only their rows
        aliceObjects.forEach(key -> assertFalse(Files.exists(object(key)), "object left in the store: " + key));
        as(ALICE, "user").get("/v1/generations/" + published).then().statusCode(404);

        // the database-wide check: no text, varchar or jsonb column of any database holds her id or her words
        List<String> found = occurrences(needles());
        assertEquals(List.of(), found, "personal data of the erased account left in the databases");

        // the audit chain still verifies, and it has one account.erased event per part, none naming her
        given().auth().oauth2(Tokens.valid(ADMIN, "admin")).get("/v1/admin/audit/verify").then().statusCode(200)
                .body("intact", equalTo(true));
        String audit = given().auth().oauth2(Tokens.valid(ADMIN, "admin")).get("/v1/admin/audit/export").then().statusCode(200)
                .extract().asString();
        assertFalse(audit.contains(ALICE), "the audit export names the erased account");
        assertTrue(audit.split("\"action\":\"account.erased\"", -1).length - 1 >= 5, "one account.erased event per part");

        // a second erasure is fine and erases nothing more
        JsonPath again = eraseSelf(ALICE, ALICE).then().statusCode(200).extract().jsonPath();
        assertTrue(again.getBoolean("complete"));
        assertEquals(List.of(), again.getList("services.erased.flatten()"));

        adminRouteAndLegalHold(carolVideo);
    }

    /** No token, a forged one, another account, malformed JSON: each refused, and Carol's clip is still there. */
    private void refusalsEraseNothing(String published, String carolVideo) {
        String body = "{\"confirmAccount\":\"" + ALICE + "\"}";
        given().contentType(ContentType.JSON).body(body).delete("/v1/me").then().statusCode(401);
        given().auth().oauth2(Tokens.foreignKey(ALICE)).contentType(ContentType.JSON).body(body).delete("/v1/me").then().statusCode(401);
        given().auth().oauth2(Tokens.tamperedSignature(ALICE)).contentType(ContentType.JSON).body(body).delete("/v1/me").then()
                .statusCode(401);
        // the user route erases the caller only: naming someone else is refused
        eraseSelf(ALICE, CAROL).then().statusCode(422);
        eraseSelf(ALICE, "").then().statusCode(422);
        as(ALICE, "user").body("{\"confirmAccount\":").delete("/v1/me").then().statusCode(400);
        as(ALICE, "user").body("{\"confirmAccount\":\"" + ALICE + "\",\"extra\":1}").delete("/v1/me").then().statusCode(400);
        as(ALICE, "user").delete("/v1/me").then().statusCode(400);

        String admin = "{\"reason\":\"ticket 4711\"}";
        given().contentType(ContentType.JSON).body(admin).post("/v1/admin/accounts/" + CAROL + "/erase").then().statusCode(401);
        as(ALICE, "user").body(admin).post("/v1/admin/accounts/" + CAROL + "/erase").then().statusCode(403);
        as(MOD, "moderator").body(admin).post("/v1/admin/accounts/" + CAROL + "/erase").then().statusCode(403);
        as(ADMIN, "admin").body("{\"reason\":").post("/v1/admin/accounts/" + CAROL + "/erase").then().statusCode(400);
        as(ADMIN, "admin").body("{\"reason\":\"\"}").post("/v1/admin/accounts/" + CAROL + "/erase").then().statusCode(400);
        as(ADMIN, "admin").body("{\"reason\":\"asked by " + CAROL + "\"}").post("/v1/admin/accounts/" + CAROL + "/erase").then()
                .statusCode(400);

        as(CAROL, "user").get("/v1/generations/" + carolVideo).then().statusCode(200).body("state", equalTo("PUBLISHED"));
        as(ALICE, "user").get("/v1/generations/" + published).then().statusCode(200);
    }

    /** An admin erases Bob (he reported Alice) and Carol, whose clip is under legal hold: kept, and the answer says so. */
    private void adminRouteAndLegalHold(String carolVideo) throws Exception {
        as(ADMIN, "admin").body("{\"reason\":\"erasure request by email, ticket 4711\"}").post("/v1/admin/accounts/" + BOB + "/erase")
                .then().statusCode(200).body("complete", equalTo(true));
        assertEquals(List.of(), occurrences(List.of(BOB, BOB_WORDS)), "Bob left in the databases");

        as(ADMIN, "admin").body("{\"reason\":\"preservation order 12\"}").post("/v1/admin/legal-holds/" + carolVideo).then().statusCode(200);
        as(ADMIN, "admin").body("{\"reason\":\"erasure request by email, ticket 4712\"}").post("/v1/admin/accounts/" + CAROL + "/erase")
                .then().statusCode(200).body("complete", equalTo(false)).body("legalHolds", equalTo(List.of(carolVideo)))
                .body("kept.what", hasItems(org.hamcrest.Matchers.containsString("under legal hold")));
        as(ADMIN, "admin").get("/v1/admin/legal-holds").then().statusCode(200).body("jobId", hasItem(carolVideo));
        given().auth().oauth2(Tokens.valid(ADMIN, "admin")).get("/v1/admin/audit/verify").then().statusCode(200)
                .body("intact", equalTo(true));
    }

    private static JsonPath retryUntilErased(String user) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Response r;
        do {
            r = eraseSelf(user, user);
        } while (r.statusCode() == 503 && System.nanoTime() < deadline && sleep(500));
        assertEquals(200, r.statusCode(), r.asString());
        return r.jsonPath();
    }

    private static List<String> needles() {
        return List.of(ALICE, PUBLISHED_PROMPT, BLOCKED_PROMPT, ALICE_REPORT, ALICE_APPEAL, BOB_WORDS);
    }

    private List<String> objectKeys(String account) {
        List<String> keys = new ArrayList<>();
        pool.preparedQuery("select v.object_key from job_video v join generation_job j using (job_id) where j.account_id = $1")
                .execute(Tuple.of(account)).await().indefinitely().forEach(r -> keys.add(r.getString("object_key")));
        return keys;
    }

    private Path object(String key) {
        return S3ProxyServer.shared().dataDir().resolve(clips.bucket()).resolve(key);
    }

    /**
     * Every text, varchar and jsonb column of every table of every database of the stack (deploy/services, with the
     * tests' {@code _test} suffix), searched for each needle: "database.table.column: needle" for each hit.
     */
    static List<String> occurrences(List<String> needles) throws IOException, SQLException {
        List<String> found = new ArrayList<>();
        for (String database : databases()) {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres", "")) {
                List<String[]> columns = new ArrayList<>();
                try (ResultSet rs = c.createStatement().executeQuery("""
                        select table_name, column_name from information_schema.columns
                        where table_schema = 'public' and data_type in ('text', 'character varying', 'character', 'jsonb', 'json')
                        order by table_name, column_name""")) {
                    while (rs.next()) {
                        columns.add(new String[] { rs.getString(1), rs.getString(2) });
                    }
                }
                assertFalse(columns.isEmpty(), database + " has no text columns: wrong database?");
                for (String[] col : columns) {
                    for (String needle : needles) {
                        try (PreparedStatement ps = c.prepareStatement(
                                "select count(*) from \"" + col[0] + "\" where strpos(\"" + col[1] + "\"::text, ?) > 0")) {
                            ps.setString(1, needle);
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                if (rs.getLong(1) > 0) {
                                    found.add(database + "." + col[0] + "." + col[1] + ": " + needle);
                                }
                            }
                        }
                    }
                }
            }
        }
        return found;
    }

    /** The databases column of deploy/services, as deploy/services.sh's service_databases reads it, plus "_test". */
    static List<String> databases() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("..", "deploy", "services"))) {
            String[] f = line.strip().split("\\s+");
            if (!line.startsWith("#") && f.length >= 4 && !"-".equals(f[3])) {
                out.add(f[3] + "_test");
            }
        }
        assertEquals(6, out.size(), "databases of the stack: " + out);
        return out;
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
