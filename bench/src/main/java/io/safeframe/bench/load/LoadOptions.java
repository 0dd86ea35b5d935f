package io.safeframe.bench.load;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Command-line options of the load generator: {@code --name value} pairs, each with a default. */
record LoadOptions(double rate, int seconds, int warmupSeconds, int users, String mix, double unsafeShare, String api,
        String keycloak, Path data, String prefix, String moderator, long seed, Path report, int clipSeconds, int drainSeconds) {

    static final String USAGE = """
            open-loop load against the running local stack (./safeframe up)
              --rate N        arrivals per second, whatever the answers do (default 300)
              --seconds N     measured seconds (default 60), after --warmup N seconds not measured (default 10)
              --users N       accounts submitting and reading (default 200, free tier)
              --mix SPEC      weights, default submit=30,job=45,me=15,console=10
              --unsafe F      share of submitted prompts that are unsafe (default 0.1)
              --prefix P      account names P-0001..; default load-<time> (fresh accounts every run)
              --seed N        the mix's random seed (default 1)
              --clip N        seconds of video each submit asks for (default 4)
              --drain N       then wait up to N s for the accepted jobs to end and report the pipeline's CPU seconds per
                              published video-second (default 0: no drain)
            """;

    static LoadOptions parse(String[] args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got " + args[i] + "\n" + USAGE);
            }
            given.put(args[i].substring(2), args[++i]);
        }
        Path data = Path.of(given.getOrDefault("data", System.getenv().getOrDefault("SAFEFRAME_DATA", "data")));
        LoadOptions options = new LoadOptions(Double.parseDouble(given.getOrDefault("rate", "300")),
                Integer.parseInt(given.getOrDefault("seconds", "60")), Integer.parseInt(given.getOrDefault("warmup", "10")),
                Integer.parseInt(given.getOrDefault("users", "200")),
                given.getOrDefault("mix", "submit=30,job=45,me=15,console=10"),
                Double.parseDouble(given.getOrDefault("unsafe", "0.1")),
                given.getOrDefault("api", "http://127.0.0.1:8080"), given.getOrDefault("keycloak", "http://127.0.0.1:8180"),
                data, given.getOrDefault("prefix", "load-" + Long.toString(System.currentTimeMillis() / 1000, 36)),
                given.getOrDefault("moderator", "maria"), Long.parseLong(given.getOrDefault("seed", "1")),
                Path.of(given.getOrDefault("report", "bench/target/load-result.json")),
                Integer.parseInt(given.getOrDefault("clip", "4")), Integer.parseInt(given.getOrDefault("drain", "0")));
        if (options.rate <= 0 || options.seconds <= 0 || options.users <= 0 || options.clipSeconds < 1 || options.drainSeconds < 0 || options.unsafeShare < 0 || options.unsafeShare > 1) {
            throw new IllegalArgumentException("rate, seconds and users must be positive, unsafe in [0,1]\n" + USAGE);
        }
        given.keySet().removeAll(java.util.List.of("rate", "seconds", "warmup", "users", "mix", "unsafe", "api", "keycloak",
                "data", "prefix", "moderator", "seed", "report", "clip", "drain"));
        if (!given.isEmpty()) {
            throw new IllegalArgumentException("unknown options " + given.keySet() + "\n" + USAGE);
        }
        return options;
    }
}
