package io.safeframe.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.safeframe.testing.FramesServiceProcess;
import io.safeframe.testing.PolicyServiceProcess;

/** Hash-bank administration through the gateway against a real frame-classifier-service process. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(PolicyServiceProcess.class)
@QuarkusTestResource(value = FramesServiceProcess.class, restrictToAnnotatedClass = true)
class BankAdminTest {

    static final String HASH = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    private static RequestSpecification as(String subject, String... roles) {
        return given().auth().oauth2(Tokens.valid(subject, roles));
    }

    @Test
    void adminsManageBanksModeratorsLookUpUsersAreRefused() {
        as("bank-user", "user").get("/v1/admin/banks").then().statusCode(403);
        as("bank-mod", "moderator").contentType(ContentType.JSON).body("{\"name\":\"x\",\"category\":\"c\",\"decision\":\"BLOCK\"}")
                .post("/v1/admin/banks").then().statusCode(403);

        as("bank-admin", "admin").contentType(ContentType.JSON)
                .body("{\"name\":\"csam-hashes\",\"category\":\"sexual_minors\",\"decision\":\"BLOCK\",\"description\":\"NCMEC-style list\"}")
                .post("/v1/admin/banks").then().statusCode(201).body("threshold", equalTo(31));
        as("bank-admin", "admin").contentType(ContentType.JSON)
                .body("{\"name\":\"csam-hashes\",\"category\":\"sexual_minors\",\"decision\":\"BLOCK\"}")
                .post("/v1/admin/banks").then().statusCode(422).body("detail", containsString("already exists"));
        as("bank-admin", "admin").contentType(ContentType.JSON).body("{\"name\":\"x\",\"category\":\"c\",\"decision\":\"ALLOW\"}")
                .post("/v1/admin/banks").then().statusCode(400);
        as("bank-admin", "admin").contentType(ContentType.JSON).body("{\"name\":\"x\",\"decision\":\"BLOCK\",\"colour\":\"red\"}")
                .post("/v1/admin/banks").then().statusCode(400);

        as("bank-admin", "admin").contentType(ContentType.TEXT).body(HASH + ",100,case-17\nzzz,1,bad\n")
                .post("/v1/admin/banks/csam-hashes/hashes").then().statusCode(422).body("detail", containsString("line 2"));
        as("bank-admin", "admin").contentType(ContentType.TEXT).body(HASH + ",100,case-17\n")
                .post("/v1/admin/banks/csam-hashes/hashes").then().statusCode(200).body("added", equalTo(1)).body("bank.size", equalTo(1));
        as("bank-admin", "admin").get("/v1/admin/banks/csam-hashes/hashes").then().statusCode(200).body(equalTo(HASH + ",100,case-17\n"));
        as("bank-admin", "admin").get("/v1/admin/banks/no-such/hashes").then().statusCode(404);

        // a near-duplicate (3 bits flipped) matches; moderators may look up
        String near = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b25";
        as("bank-mod", "moderator").contentType(ContentType.JSON).body("{\"hash\":\"" + near + "\"}").post("/v1/admin/banks/match").then()
                .statusCode(200).body("matches.bank", hasItem("csam-hashes")).body("matches[0].distance", equalTo(3))
                .body("matches[0].label", equalTo("case-17"));
        as("bank-admin", "admin").delete("/v1/admin/banks/csam-hashes/hashes/" + HASH).then().statusCode(200).body("size", equalTo(0));
        as("bank-admin", "admin").get("/v1/admin/banks").then().statusCode(200).body("banks.name", hasItem("csam-hashes"));
    }
}
