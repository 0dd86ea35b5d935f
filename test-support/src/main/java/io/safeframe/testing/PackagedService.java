package io.safeframe.testing;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a real, packaged Safeframe service (built earlier in the reactor) as its own process with the test
 * profile (its own *_test database), so tests of another service talk to it over real gRPC — no mock.
 */
public abstract class PackagedService implements QuarkusTestResourceLifecycleManager {

    /** The running instance of each kind, so fault tests can stop, pause and restart it. */
    private static final Map<Class<?>, PackagedService> RUNNING = new ConcurrentHashMap<>();

    private Process process;

    /** Module directory name, e.g. "policy-service". */
    protected abstract String module();

    protected abstract int port();

    /** The HTTPS port, where its gRPC is served over mutual TLS (service identity): the HTTP port + 400. */
    public int tlsPort() {
        return port() + 400;
    }

    /** The calling service's gRPC client name for this service, e.g. "policy". */
    protected abstract String clientName();

    /** Extra -D options, e.g. where this service finds the services it calls. */
    protected List<String> options() {
        return List.of();
    }

    /** The started instance of a service kind (fault tests: kill, pause, restart). */
    public static PackagedService running(Class<? extends PackagedService> kind) {
        PackagedService service = RUNNING.get(kind);
        if (service == null) {
            throw new IllegalStateException(kind.getSimpleName() + " was not started by this test run");
        }
        return service;
    }

    @Override
    public Map<String, String> start() {
        launch(false);
        RUNNING.put(getClass(), this);
        String client = "quarkus.grpc.clients." + clientName();
        return Map.of(client + ".port", Integer.toString(tlsPort()), client + ".test-port", Integer.toString(tlsPort()));
    }

    /** Health and metrics (the management interface): HTTP port + 500 for test processes. */
    public int managementPort() {
        return port() + 500;
    }

    /** Kills the process (SIGKILL: no graceful shutdown, like a crashed pod). */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts it again on the same port after {@link #kill()} and waits until it is ready. */
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(module() + " is still running");
        }
        launch(true);
    }

    /** SIGSTOP: the process keeps its sockets but answers nothing, like a stalled service. */
    public void pause() {
        signal("STOP");
    }

    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The command-line options of the first start, reused by {@link #restart()}. */
    private List<String> firstOptions;

    /** {@code again}: keep the database as it is (the test profile otherwise cleans it at start). */
    private void launch(boolean again) {
        TestIdentities.ensure();
        Path dir = Path.of("..", module()).toAbsolutePath().normalize();
        Path jar = dir.resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(module() + " is not packaged at " + jar + "; build the whole reactor (./mvnw verify)");
        }
        List<String> command = new ArrayList<>();
        if (again && firstOptions != null) {
            // exactly as it was first started (trace export included): whether a collector is visible from the class
            // loader that restarts it is not the question; the restarted process must be the same service
            command.addAll(firstOptions);
        } else {
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-Dquarkus.profile=test", "-Dquarkus.http.port=" + port(), "-Dquarkus.http.ssl-port=" + tlsPort(),
                    "-Dquarkus.management.port=" + managementPort()));
            command.addAll(options());
            if (TraceCollector.running()) {
                command.addAll(TraceCollector.exportOptions());
            }
            firstOptions = List.copyOf(command);
        }
        if (again) {
            command.add("-Dquarkus.flyway.clean-at-start=false");
        }
        command.addAll(List.of("-jar", jar.toString()));
        try {
            File log = dir.resolve("target/" + module() + "-for-tests-" + port() + ".log").toFile();
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
            waitReady(log);
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + module(), e);
        }
    }

    private void waitReady(File log) throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module() + " exited: " + Files.readString(log.toPath()));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort() + "/q/health/ready"))
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
        throw new IllegalStateException(module() + " not ready within 90 s; see " + log);
    }

    @Override
    public void stop() {
        RUNNING.remove(getClass(), this);
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
