package io.safeframe.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Waits for accepted jobs to reach an end state (as the app would, by polling) and counts the end states. */
final class Drain {

    private static final Set<String> ENDED = Set.of("PUBLISHED", "BLOCKED", "FAILED", "HELD_FOR_REVIEW", "REMOVED");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Map<String, Integer> await(HttpClient http, String api, List<Traffic.Job> jobs, int seconds)
            throws IOException, InterruptedException {
        Map<String, Integer> ended = new TreeMap<>();
        List<Traffic.Job> pending = new ArrayList<>(jobs);
        long giveUp = System.nanoTime() + seconds * 1_000_000_000L;
        while (!pending.isEmpty() && System.nanoTime() < giveUp) {
            for (int i = pending.size() - 1; i >= 0; i--) {
                Traffic.Job job = pending.get(i);
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(api + "/v1/generations/" + job.id()))
                        .header("Authorization", "Bearer " + job.owner().token()).GET().build(), HttpResponse.BodyHandlers.ofString());
                String state = JSON.readTree(response.body()).path("state").asText();
                if (ENDED.contains(state)) {
                    ended.merge(state, 1, Integer::sum);
                    pending.remove(i);
                }
            }
            if (!pending.isEmpty()) {
                Thread.sleep(2_000);
            }
        }
        if (!pending.isEmpty()) {
            ended.put("STILL_RUNNING", pending.size());
        }
        return ended;
    }
}
