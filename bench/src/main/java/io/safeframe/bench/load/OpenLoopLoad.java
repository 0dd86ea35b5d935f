package io.safeframe.bench.load;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.safeframe.bench.load.LoadUsers.User;

/**
 * Open-loop load against the running local stack ({@code ./safeframe load}): requests arrive at a fixed rate whatever
 * the answers do, as real users do, and each latency runs from the moment its request was due. A closed loop (each
 * user waits for its answer before sending the next) slows down with the system under test and hides its queues.
 *
 * <p>Prints and writes (bench/target/load-result.json) p50/p99/p99.9/max per endpoint, answers by status, errors
 * (5xx or no answer), CPU seconds per service and PostgreSQL, and the quota check. Exits 1 on errors or a quota
 * mismatch.
 */
public final class OpenLoopLoad {

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new OpenLoopLoad().run(options) ? 0 : 1);
    }

    private boolean run(LoadOptions options) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String password = Files.readString(options.data().resolve("secrets/demo-password")).trim();
        String adminPassword = Files.readString(options.data().resolve("secrets/keycloak-admin")).trim();
        LoadUsers accounts = new LoadUsers(http, options.keycloak(), password);
        System.out.printf("creating %d accounts %s-*%n", options.users(), options.prefix());
        List<User> users = accounts.ensure(options.prefix(), options.users(), adminPassword);
        QuotaCheck quota = new QuotaCheck(http, options.api());
        quota.before(users);
        Traffic traffic = new Traffic(options.api(), users, accounts.token(options.moderator()), options.unsafeShare(),
                new Mix(Mix.parse(options.mix()), options.seed()), options.prefix(), options.clipSeconds());

        System.out.printf("warm-up: %d s at %.0f/s%n", options.warmupSeconds(), options.rate());
        send(http, traffic, new LatencyBook(), options.rate(), options.warmupSeconds());
        ServiceCpu cpu = new ServiceCpu(options.data().resolve("pids"));
        Map<String, Double> cpuBefore = cpu.snapshot();
        long started = System.nanoTime();
        System.out.printf("measuring: %d s at %.0f/s (%s)%n", options.seconds(), options.rate(), options.mix());
        LatencyBook book = new LatencyBook();
        send(http, traffic, book, options.rate(), options.seconds());
        double wall = (System.nanoTime() - started) / 1e9;
        Map<String, Double> spent = ServiceCpu.difference(cpuBefore, cpu.snapshot());
        Map<String, Object> pipeline = new LinkedHashMap<>();
        if (options.drainSeconds() > 0) {
            System.out.printf("draining: up to %d s for %d accepted jobs%n", options.drainSeconds(), traffic.accepted().size());
            long drainStarted = System.nanoTime();
            Map<String, Integer> ended = Drain.await(http, options.api(), traffic.accepted(), options.drainSeconds());
            Map<String, Double> whole = ServiceCpu.difference(cpuBefore, cpu.snapshot());
            double total = whole.values().stream().mapToDouble(Double::doubleValue).sum();
            int publishedSeconds = ended.getOrDefault("PUBLISHED", 0) * options.clipSeconds();
            pipeline.put("ended", ended);
            pipeline.put("drainSeconds", Math.round((System.nanoTime() - drainStarted) / 1e9));
            pipeline.put("cpuSecondsWholeRun", round(whole));
            pipeline.put("publishedVideoSeconds", publishedSeconds);
            pipeline.put("cpuSecondsPerPublishedVideoSecond", publishedSeconds == 0 ? null : Math.round(total / publishedSeconds * 100) / 100.0);
        }
        List<String> quotaProblems = quota.after(users, traffic);

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("rate", options.rate());
        report.put("seconds", options.seconds());
        report.put("users", options.users());
        report.put("mix", options.mix());
        report.put("requests", book.count());
        report.put("achievedPerSecond", Math.round(book.count() / wall));
        report.put("latency", book.summary());
        report.put("statuses", book.statuses());
        report.put("errors", book.errors());
        report.put("cpuSeconds", round(spent));
        report.put("cpuCores", round(perSecond(spent, wall)));
        report.put("accepted", traffic.accepted().size());
        if (!pipeline.isEmpty()) {
            report.put("pipeline", pipeline);
        }
        report.put("quotaProblems", quotaProblems);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        String text = json.writeValueAsString(report);
        System.out.println(text);
        Files.createDirectories(options.report().toAbsolutePath().getParent());
        Files.writeString(options.report(), text);
        return book.errors() == 0 && quotaProblems.isEmpty();
    }

    /**
     * One scheduling thread sends arrival i at start + i/rate and never waits for answers; if it falls behind (the
     * machine is saturated) it sends the late ones at once, and their latency still counts from when they were due.
     */
    private static void send(HttpClient http, Traffic traffic, LatencyBook book, double rate, int seconds)
            throws InterruptedException {
        long period = Math.round(1e9 / rate);
        long arrivals = Math.round(rate * seconds);
        long start = System.nanoTime();
        AtomicLong outstanding = new AtomicLong();
        for (long i = 0; i < arrivals; i++) {
            long due = start + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            Traffic.Arrival arrival = traffic.next();
            outstanding.incrementAndGet();
            http.sendAsync(arrival.request(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                long answered = System.nanoTime();
                if (response != null) {
                    traffic.answered(arrival, response.statusCode(), response.body());
                }
                book.record(arrival.operation(), response == null ? "network" : Integer.toString(response.statusCode()), due, answered);
                outstanding.decrementAndGet();
            });
        }
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (outstanding.get() > 0 && System.nanoTime() < giveUp) {
            Thread.sleep(50);
        }
        if (outstanding.get() > 0) {
            System.out.println("answers still outstanding after 60 s: " + outstanding.get());
        }
    }

    private static Map<String, Double> perSecond(Map<String, Double> seconds, double wall) {
        Map<String, Double> cores = new LinkedHashMap<>();
        seconds.forEach((k, v) -> cores.put(k, v / wall));
        return cores;
    }

    private static Map<String, Double> round(Map<String, Double> values) {
        Map<String, Double> rounded = new LinkedHashMap<>();
        values.forEach((k, v) -> rounded.put(k, Math.round(v * 100) / 100.0));
        return rounded;
    }
}
