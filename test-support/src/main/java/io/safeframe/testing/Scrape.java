package io.safeframe.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Reads a service's Prometheus text from its management interface, as Prometheus would, and picks series out
 * of it: tests assert on what a scrape shows, not on the meter registry, so a name or label the naming
 * convention changes is caught.
 */
public final class Scrape {

    private final String text;

    private Scrape(String text) {
        this.text = text;
    }

    /** The Quarkus app under test, on its management interface (every service has one). */
    public static Scrape self() {
        return of(ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class));
    }

    /** Any service's management port, e.g. a {@link PackagedService}'s {@link PackagedService#managementPort()}. */
    public static Scrape of(int managementPort) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("/q/metrics on " + managementPort + " answered " + r.statusCode());
            }
            return new Scrape(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("cannot scrape port " + managementPort, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The sum of every sample named {@code name} whose labels include {@code labels} (other labels may be there
     * too); null when there is no such sample at all, so "absent" and "0" can be told apart.
     */
    public Double value(String name, Map<String, String> labels) {
        Double sum = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name) || line.length() == name.length()) {
                continue;
            }
            char next = line.charAt(name.length());
            if (next != '{' && next != ' ') {
                continue;
            }
            Map<String, String> found = new LinkedHashMap<>();
            int end = name.length();
            if (next == '{') {
                end = line.indexOf('}', end);
                for (String pair : line.substring(name.length() + 1, end).split(",")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        found.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
                    }
                }
                end++;
            }
            if (!found.entrySet().containsAll(labels.entrySet())) {
                continue;
            }
            String[] rest = line.substring(end).trim().split(" ");
            sum = (sum == null ? 0 : sum) + Double.parseDouble(rest[0]);
        }
        return sum;
    }

    /** {@link #value} with 0 for an absent series: for counters compared before and after an action. */
    public double count(String name, Map<String, String> labels) {
        Double v = value(name, labels);
        return v == null ? 0 : v;
    }

    /** The lines of one metric family, for failure messages. */
    public String lines(String prefix) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.startsWith(prefix)) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}
