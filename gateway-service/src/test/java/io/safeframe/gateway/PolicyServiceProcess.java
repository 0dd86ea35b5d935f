package io.safeframe.gateway;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts the real, packaged policy-service (built earlier in the reactor) as its own process on its test
 * database, so gateway tests go over real gRPC to a real service — no mock.
 */
public class PolicyServiceProcess implements QuarkusTestResourceLifecycleManager {

    static final int PORT = 9181;
    private Process process;

    @Override
    public Map<String, String> start() {
        Path dir = Path.of("..", "policy-service").toAbsolutePath().normalize();
        Path jar = dir.resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("policy-service is not packaged at " + jar + "; build the whole reactor (./mvnw verify)");
        }
        try {
            File log = dir.resolve("target/policy-for-gateway-tests.log").toFile();
            process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-Dquarkus.profile=test", "-Dquarkus.http.port=" + PORT, "-jar", jar.toString()))
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log).start();
            waitReady(log);
        } catch (IOException e) {
            throw new IllegalStateException("could not start policy-service", e);
        }
        return Map.of("quarkus.grpc.clients.policy.port", Integer.toString(PORT), "quarkus.grpc.clients.policy.test-port", Integer.toString(PORT));
    }

    private void waitReady(File log) throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("policy-service exited: " + Files.readString(log.toPath()));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException | InterruptedException e) {
                // not listening yet
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("policy-service not ready within 90 s; see " + log);
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
