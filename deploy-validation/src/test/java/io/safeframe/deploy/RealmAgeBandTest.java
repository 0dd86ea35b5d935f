package io.safeframe.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The realm template's part of teen protections (docs/teen-protections.md): the age_band attribute is declared,
 * limited to teen | adult and editable by administrators only (a user must not be able to make themselves an adult),
 * the app client puts it into the access token, and every demo user has one. Checked against a running Keycloak
 * 26.7.3 by hand when it was written; this keeps the template from drifting.
 */
class RealmAgeBandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode REALM = read();

    private static JsonNode read() {
        try {
            return JSON.readTree(Path.of("..", "local/keycloak/safeframe-realm.template.json").toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theAttributeIsDeclaredAndOnlyAdministratorsMayChangeIt() throws IOException {
        JsonNode provider = REALM.path("components").path("org.keycloak.userprofile.UserProfileProvider").path(0);
        assertEquals("declarative-user-profile", provider.path("providerId").asText());
        JsonNode profile = JSON.readTree(provider.path("config").path("kc.user.profile.config").path(0).asText());
        JsonNode ageBand = null;
        for (JsonNode attribute : profile.path("attributes")) {
            if (attribute.path("name").asText().equals("age_band")) {
                ageBand = attribute;
            }
        }
        assertTrue(ageBand != null, "age_band is declared in the user profile");
        assertEquals("[\"admin\"]", ageBand.path("permissions").path("edit").toString(), "only administrators edit it");
        assertEquals("[\"teen\",\"adult\"]", ageBand.path("validations").path("options").path("options").toString());
    }

    @Test
    void theAppClientMapsItIntoTheAccessToken() {
        JsonNode mapper = null;
        for (JsonNode client : REALM.path("clients")) {
            if (client.path("clientId").asText().equals("safeframe-app")) {
                for (JsonNode m : client.path("protocolMappers")) {
                    if (m.path("config").path("user.attribute").asText().equals("age_band")) {
                        mapper = m;
                    }
                }
            }
        }
        assertTrue(mapper != null, "safeframe-app maps the age_band attribute");
        assertEquals("oidc-usermodel-attribute-mapper", mapper.path("protocolMapper").asText());
        assertEquals("age_band", mapper.path("config").path("claim.name").asText());
        assertEquals("true", mapper.path("config").path("access.token.claim").asText());
        assertEquals("false", mapper.path("config").path("multivalued").asText(), "one value: a list would read as teen");
    }

    @Test
    void everyDemoUserHasABandAndOneIsATeen() {
        List<String> teens = new ArrayList<>();
        for (JsonNode user : REALM.path("users")) {
            String band = user.path("attributes").path("age_band").path(0).asText();
            assertTrue(band.equals("adult") || band.equals("teen"), user.path("username") + " has age_band " + band);
            if (band.equals("teen")) {
                teens.add(user.path("username").asText());
            }
        }
        assertEquals(List.of("tess"), teens);
    }
}
