package io.safeframe.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.safeframe.bench.load.LoadUsers.User;

/**
 * Quota exactness under load: for every account, what the ledger says was used equals what it used before the run
 * plus what the answers charged, minus what the platform gave back (jobs that FAILED are refunded), and never more
 * than the tier's daily limit. A tier change during the run (anomaly throttling) moves the limit, so then only the
 * limit is checked.
 */
final class QuotaCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final String api;
    private final Map<String, JsonNode> before = new HashMap<>();

    QuotaCheck(HttpClient http, String api) {
        this.http = http;
        this.api = api;
    }

    void before(List<User> users) throws IOException, InterruptedException {
        for (User user : users) {
            before.put(user.name(), me(user));
        }
    }

    /** The accounts whose ledger does not add up, each with why. */
    List<String> after(List<User> users, Traffic traffic) throws IOException, InterruptedException {
        Map<String, Integer> refunded = new HashMap<>();
        for (Traffic.Job job : traffic.accepted()) {
            JsonNode state = get("/v1/generations/" + job.id(), job.owner());
            if ("FAILED".equals(state.path("state").asText())) {
                refunded.merge(job.owner().name(), 1, Integer::sum);
            }
        }
        List<String> problems = new ArrayList<>();
        for (User user : users) {
            JsonNode was = before.get(user.name());
            JsonNode now = me(user);
            int usedBefore = was.path("generationsPerDay").asInt() - was.path("remainingToday").asInt();
            int used = now.path("generationsPerDay").asInt() - now.path("remainingToday").asInt();
            long expected = usedBefore + traffic.charged(user) - refunded.getOrDefault(user.name(), 0);
            boolean sameTier = was.path("tier").asText().equals(now.path("tier").asText());
            if (used > now.path("generationsPerDay").asInt() || (sameTier && used != expected)) {
                problems.add(user.name() + ": ledger " + used + " used, answers charged " + expected + " (limit "
                        + now.path("generationsPerDay").asInt() + ")");
            }
        }
        return problems;
    }

    private JsonNode me(User user) throws IOException, InterruptedException {
        return get("/v1/me", user);
    }

    private JsonNode get(String path, User user) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + user.token()).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(path + " as " + user.name() + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
