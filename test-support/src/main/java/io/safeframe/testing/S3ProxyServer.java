package io.safeframe.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real S3-compatible server for tests: s3proxy (Maven Central {@code org.gaul:s3proxy}, jar-with-dependencies,
 * copied into test-support/target/s3proxy by the build) with its jclouds {@code filesystem} backend, run as its own
 * process on a free port, once per test JVM. Its jar's SHA-256 is checked against the pin in
 * {@code local/s3proxy/s3proxy.jar.sha256} (the same pin {@code ./safeframe up} checks) before it runs.
 * <p>
 * As a Quarkus test resource it points the gateway's clip store at it ({@code safeframe.clips.endpoint}); fault
 * tests {@link #kill()} it (SIGKILL, like a storage outage) and {@link #restart()} it on the same port and data.
 */
public class S3ProxyServer implements QuarkusTestResourceLifecycleManager {

    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key";

    private static S3ProxyServer shared;

    private final int port;
    private final Path dataDir;
    private final Path config;
    private Process process;

    private S3ProxyServer(int port, Path dataDir) {
        this.port = port;
        this.dataDir = dataDir;
        this.config = dataDir.resolveSibling(dataDir.getFileName() + ".properties");
    }

    /** For the Quarkus test-resource contract: the instance itself is the JVM-wide {@link #shared()} one. */
    public S3ProxyServer() {
        this(0, Path.of("."));
    }

    /** The JVM-wide server, started on first use (data under target/, emptied at that start). */
    public static synchronized S3ProxyServer shared() {
        if (shared == null) {
            int port = freePort();
            Path data = Path.of("target", "s3proxy-data-" + port).toAbsolutePath();
            S3ProxyServer server = new S3ProxyServer(port, data);
            server.launch(true);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stopProcess));
            shared = server;
        }
        return shared;
    }

    @Override
    public Map<String, String> start() {
        S3ProxyServer server = shared();
        return Map.of("safeframe.clips.endpoint", server.endpoint(), "safeframe.clips.access-key-id", ACCESS_KEY,
                "safeframe.clips.secret-access-key", SECRET_KEY);
    }

    @Override
    public void stop() {
        // shared by every test class of the JVM; the shutdown hook ends it
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Where the filesystem backend keeps objects: {@code dataDir/BUCKET/KEY} (tests tamper with them here). */
    public Path dataDir() {
        return dataDir;
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no graceful shutdown, connections cut mid-request, like a storage node that died. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts it again on the same port with the same data after {@link #kill()}. */
    public void restart() {
        if (alive()) {
            throw new IllegalStateException("s3proxy is still running");
        }
        launch(false);
    }

    private void launch(boolean fresh) {
        try {
            Path jar = verifiedJar();
            if (fresh) {
                deleteTree(dataDir);
            }
            Files.createDirectories(dataDir);
            Files.writeString(config, String.join("\n",
                    "s3proxy.endpoint=" + endpoint(),
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + dataDir, ""), StandardCharsets.UTF_8);
            File log = dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile();
            process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-jar", jar.toString(), "--properties", config.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
            waitListening(log);
        } catch (IOException e) {
            throw new IllegalStateException("could not start s3proxy", e);
        }
    }

    private void waitListening(File log) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("s3proxy exited: " + Files.readString(log.toPath()));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        throw new IllegalStateException("s3proxy not listening on " + port + " within 60 s; see " + log);
    }

    private void stopProcess() {
        if (process != null) {
            process.destroy();
        }
    }

    /** The jar the build copied, refused unless its SHA-256 is the pinned one. */
    static Path verifiedJar() throws IOException {
        Path repo = repoRoot();
        Path jar = repo.resolve("test-support/target/s3proxy/s3proxy.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("s3proxy is not at " + jar + "; build test-support (./mvnw -pl test-support package)");
        }
        String pinned = Files.readString(repo.resolve("local/s3proxy/s3proxy.jar.sha256")).trim().split("\\s+")[0];
        String actual = sha256(jar);
        if (!actual.equals(pinned)) {
            throw new IllegalStateException("s3proxy jar " + jar + " has SHA-256 " + actual + ", pinned " + pinned + " (local/s3proxy)");
        }
        return jar;
    }

    /** Tests run in a module directory; the repository root is the first parent holding local/s3proxy. */
    private static Path repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("local/s3proxy"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no local/s3proxy above " + Path.of("").toAbsolutePath());
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0;) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
