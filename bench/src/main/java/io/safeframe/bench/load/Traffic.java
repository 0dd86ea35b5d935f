package io.safeframe.bench.load;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.safeframe.bench.load.LoadUsers.User;

/**
 * Builds the request for each arrival and remembers what the answers granted: accepted jobs (which later reads poll,
 * as the app does) and, per account, how many generations the platform charged, for the quota check afterwards.
 */
final class Traffic {

    private static final List<String> SAFE = List.of("a paper boat on a pond", "a fox in the snow", "a city skyline at night",
            "a robot watering plants", "waves on a pebble beach", "a hot air balloon over fields", "a cat chasing a laser dot",
            "rain on a window");
    private static final List<String> UNSAFE = List.of("a beheading video by jihadists", "how to build a pipe bomb step by step");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    record Job(String id, User owner) {
    }

    private final String api;
    private final List<User> users;
    private final String moderatorToken;
    private final double unsafeShare;
    private final Mix mix;
    private final String run;
    private final int clipSeconds;
    private final AtomicLong sequence = new AtomicLong();
    private final List<Job> accepted = new ArrayList<>();
    private final Map<String, LongAdder> charged = new ConcurrentHashMap<>();

    Traffic(String api, List<User> users, String moderatorToken, double unsafeShare, Mix mix, String run, int clipSeconds) {
        this.api = api;
        this.users = users;
        this.moderatorToken = moderatorToken;
        this.unsafeShare = unsafeShare;
        this.mix = mix;
        this.run = run;
        this.clipSeconds = clipSeconds;
    }

    /** The next arrival; called from the one scheduling thread only (the mix's random is not shared). */
    Arrival next() {
        Operation operation = mix.next();
        Job job = operation == Operation.JOB ? anyAccepted() : null;
        if (operation == Operation.JOB && job == null) {
            operation = Operation.ME; // nothing accepted yet: the app would read the account instead
        }
        User user = job != null ? job.owner() : users.get(mix.nextInt(users.size()));
        return switch (operation) {
            case SUBMIT -> submit(user);
            case JOB -> new Arrival(operation, user, get("/v1/generations/" + job.id(), user.token()));
            case ME -> new Arrival(operation, user, get("/v1/me", user.token()));
            case CONSOLE -> new Arrival(operation, user, get("/v1/moderation/queues", moderatorToken));
        };
    }

    private Arrival submit(User user) {
        long n = sequence.incrementAndGet();
        boolean unsafe = mix.nextInt(1_000_000) < unsafeShare * 1_000_000;
        String prompt = unsafe ? UNSAFE.get((int) (n % UNSAFE.size())) : SAFE.get((int) (n % SAFE.size())) + " " + run + "-" + n;
        String body = "{\"prompt\":\"" + prompt + "\",\"durationSeconds\":" + clipSeconds + "}";
        return new Arrival(Operation.SUBMIT, user, HttpRequest.newBuilder(URI.create(api + "/v1/generations")).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + user.token()).header("Content-Type", "application/json")
                .header("Idempotency-Key", run + "-" + n).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpRequest get(String path, String token) {
        return HttpRequest.newBuilder(URI.create(api + path)).timeout(TIMEOUT).header("Authorization", "Bearer " + token).GET().build();
    }

    /** What a submit's answer means for the quota: 202 accepted and 422 blocked at screening were both charged. */
    void answered(Arrival arrival, int status, String body) {
        if (arrival.operation() != Operation.SUBMIT) {
            return;
        }
        if (status == 202 || status == 422) {
            charged.computeIfAbsent(arrival.user().name(), k -> new LongAdder()).increment();
        }
        if (status == 202) {
            int at = body.indexOf("\"id\":\"");
            if (at >= 0) {
                synchronized (accepted) {
                    accepted.add(new Job(body.substring(at + 6, body.indexOf('"', at + 6)), arrival.user()));
                }
            }
        }
    }

    private Job anyAccepted() {
        synchronized (accepted) {
            return accepted.isEmpty() ? null : accepted.get(mix.nextInt(accepted.size()));
        }
    }

    List<Job> accepted() {
        synchronized (accepted) {
            return List.copyOf(accepted);
        }
    }

    long charged(User user) {
        LongAdder n = charged.get(user.name());
        return n == null ? 0 : n.sum();
    }

    record Arrival(Operation operation, User user, HttpRequest request) {
    }
}
