package io.safeframe.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The load's accounts in the local Keycloak: created once through the admin API (realm role {@code user}, the demo
 * password), then one access token each. A fresh prefix per run keeps the usage-anomaly detector's memory of an
 * earlier run (it rightly throttles accounts that hammered their quota) out of this one.
 */
final class LoadUsers {

    record User(String name, String token) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final String keycloak;
    private final String password;

    LoadUsers(HttpClient http, String keycloak, String password) {
        this.http = http;
        this.keycloak = keycloak;
        this.password = password;
    }

    List<User> ensure(String prefix, int count, String adminPassword) throws IOException, InterruptedException {
        String admin = form("/realms/master/protocol/openid-connect/token",
                Map.of("grant_type", "password", "client_id", "admin-cli", "username", "admin", "password", adminPassword))
                .get("access_token").asText();
        String realm = keycloak + "/admin/realms/safeframe";
        String role = send(HttpRequest.newBuilder(URI.create(realm + "/roles/user")).header("Authorization", "Bearer " + admin).GET())
                .body();
        List<User> users = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String name = String.format("%s-%04d", prefix, i);
            HttpResponse<String> found = send(HttpRequest.newBuilder(URI.create(realm + "/users?exact=true&username=" + name))
                    .header("Authorization", "Bearer " + admin).GET());
            if (JSON.readTree(found.body()).isEmpty()) {
                create(realm, admin, name, role);
            }
            users.add(new User(name, token(name)));
        }
        return users;
    }

    private void create(String realm, String admin, String name, String role) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("username", name, "enabled", true, "email", name + "@load.example",
                "emailVerified", true, "firstName", "Load", "lastName", name,
                "credentials", List.of(Map.of("type", "password", "value", password, "temporary", false))));
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(realm + "/users"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        if (created.statusCode() != 201) {
            throw new IOException("creating " + name + ": " + created.statusCode() + " " + created.body());
        }
        String location = created.headers().firstValue("Location").orElseThrow();
        String id = location.substring(location.lastIndexOf('/') + 1);
        send(HttpRequest.newBuilder(URI.create(realm + "/users/" + id + "/role-mappings/realm"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[" + role + "]")));
    }

    /** An access token for a user of the safeframe realm (the app's public client, password grant as in the demo). */
    String token(String username) throws IOException, InterruptedException {
        return form("/realms/safeframe/protocol/openid-connect/token", Map.of("grant_type", "password", "client_id",
                "safeframe-app", "username", username, "password", password)).get("access_token").asText();
    }

    private JsonNode form(String path, Map<String, String> params) throws IOException, InterruptedException {
        String body = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(keycloak + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)));
        if (response.statusCode() != 200) {
            throw new IOException(path + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
