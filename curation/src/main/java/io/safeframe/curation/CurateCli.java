package io.safeframe.curation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./safeframe curate} (docs/curation.md).
 *
 * <pre>
 * shard --manifest FILE --out DIR [--shard I] [--shards N] [--merge-when-complete true]
 *                                                            one shard (I defaults to JOB_COMPLETION_INDEX: the Indexed
 *                                                            Job's pods; N to SAFEFRAME_CURATION_SHARDS); with
 *                                                            --merge-when-complete the pod that finds all parts merges
 * merge --out DIR --shards N                                 join the N parts into kept.jsonl, dropped.jsonl, summary.json
 * run   --manifest FILE --out DIR [--shards N]               N shard processes side by side, then the merge
 * </pre>
 *
 * Service addresses and identity: --guard, --frames, --verify (host:port), --identity DIR, --parallel N, s3:// media:
 * --s3-endpoint URL (an S3-compatible store; default AWS) and --s3-region, --retry-budget-seconds S (how long an item
 * waits for a busy or absent service; 300), or the
 * environment variables {@link CurationSettings} names. Exit status: 0 done, 1 bad usage or unreadable manifest,
 * 2 a service refused our identity (fix the allow-list or certificate; retrying will not help), 3 done but some items
 * are {@code unchecked} (a service gave no answer within the retry budget: rerun).
 */
public final class CurateCli {

    private CurateCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0) {
            return usage("a command: shard, merge or run");
        }
        Map<String, String> flags = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                return usage("flags are --name VALUE pairs; '" + args[i] + "' is not one");
            }
            flags.put(args[i].substring(2), args[++i]);
        }
        try {
            return switch (args[0]) {
                case "shard" -> shard(flags);
                case "merge" -> merge(flags);
                case "run" -> local(args, flags);
                default -> usage("unknown command " + args[0]);
            };
        } catch (Services.Misconfigured e) {
            System.err.println("curation: " + e.getMessage());
            return 2;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("curation: " + e.getMessage());
            return 1;
        }
    }

    private static int shard(Map<String, String> flags) throws IOException {
        int shards = Integer.parseInt(flag(flags, "shards", System.getenv().getOrDefault("SAFEFRAME_CURATION_SHARDS", "1")));
        int shard = Integer.parseInt(flag(flags, "shard", System.getenv().getOrDefault("JOB_COMPLETION_INDEX", "0")));
        ShardStats stats = new Curator(CurationSettings.from(flags, System.getenv())).run(Path.of(required(flags, "manifest")),
                Path.of(required(flags, "out")), shard, shards);
        System.out.printf("shard %d of %d: %d items, %d kept, %d dropped, %.1f s, %.2f items/s%n", shard, shards, stats.items(),
                stats.kept(), stats.dropped(), stats.seconds(), stats.itemsPerSecond());
        // in the Indexed Job, whichever pod finishes last finds every part and merges (the writes are atomic renames)
        if (Boolean.parseBoolean(flags.getOrDefault("merge-when-complete", "false")) && Merge.complete(Path.of(flags.get("out")), shards)) {
            return merge(Map.of("out", flags.get("out"), "shards", Integer.toString(shards)));
        }
        return 0;
    }

    private static int merge(Map<String, String> flags) throws IOException {
        Merge.Result r = new Merge().merge(Path.of(required(flags, "out")), Integer.parseInt(required(flags, "shards")));
        System.out.printf("merged: %d kept, %d dropped; dropped items by reason %s%n", r.kept(), r.dropped(), r.byReason());
        for (ShardStats s : r.shards()) {
            System.out.printf("  shard %d: %d items in %.1f s, %.2f items/s%n", s.shard(), s.items(), s.seconds(), s.itemsPerSecond());
        }
        return r.byReason().containsKey(Reason.Code.unchecked.name()) ? 3 : 0;
    }

    /** The Indexed Job's shape on one machine: the same shard command as N processes, then the merge. */
    private static int local(String[] args, Map<String, String> flags) throws IOException {
        int shards = Integer.parseInt(flag(flags, "shards", "1"));
        required(flags, "manifest");
        required(flags, "out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    CurateCli.class.getName(), "shard"));
            for (int a = 1; a < args.length; a += 2) {
                if (!args[a].equals("--shard") && !args[a].equals("--shards")) {
                    command.add(args[a]);
                    command.add(args[a + 1]);
                }
            }
            command.addAll(List.of("--shard", Integer.toString(i), "--shards", Integer.toString(shards)));
            processes.add(new ProcessBuilder(command).inheritIO().start());
        }
        int failed = 0;
        for (int i = 0; i < shards; i++) {
            try {
                int code = processes.get(i).waitFor();
                if (code != 0) {
                    System.err.println("curation: shard " + i + " exited with " + code);
                    failed = Math.max(failed, code);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                processes.forEach(Process::destroy);
                return 1;
            }
        }
        if (failed != 0) {
            return failed;
        }
        Map<String, String> mergeFlags = Map.of("out", flags.get("out"), "shards", Integer.toString(shards));
        return merge(mergeFlags);
    }

    private static String flag(Map<String, String> flags, String name, String fallback) {
        return flags.getOrDefault(name, fallback);
    }

    private static String required(Map<String, String> flags, String name) {
        String v = flags.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private static int usage(String problem) {
        System.err.println("curation: " + problem);
        System.err.println("usage: shard --manifest FILE --out DIR [--shard I] [--shards N] | merge --out DIR --shards N"
                + " | run --manifest FILE --out DIR [--shards N]");
        return 1;
    }
}
