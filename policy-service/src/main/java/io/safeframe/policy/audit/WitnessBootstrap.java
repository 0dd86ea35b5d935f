package io.safeframe.policy.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Local runs and tests only: creates the witness database, its append-only table and the INSERT+SELECT-only
 * writer role (witness/witness-schema.sql, idempotent) as the local PostgreSQL administrator, before the service
 * writes its first checkpoint. In production this is off: the witness is administered by someone else, and
 * policy-service holds only the writer role's credentials.
 */
@ApplicationScoped
public class WitnessBootstrap {

    private final boolean enabled;
    private final boolean resetAtStart;
    private final String adminUrl;
    private final String adminUser;
    private final String database;

    public WitnessBootstrap(@ConfigProperty(name = "safeframe.audit.witness.bootstrap", defaultValue = "false") boolean enabled,
            @ConfigProperty(name = "safeframe.audit.witness.reset-at-start", defaultValue = "false") boolean resetAtStart,
            @ConfigProperty(name = "safeframe.audit.witness.admin-jdbc-url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/") String adminUrl,
            @ConfigProperty(name = "safeframe.audit.witness.admin-user", defaultValue = "postgres") String adminUser,
            @ConfigProperty(name = "safeframe.audit.witness.database") String database) {
        this.enabled = enabled;
        this.resetAtStart = resetAtStart;
        this.adminUrl = adminUrl;
        this.adminUser = adminUser;
        this.database = database;
    }

    void onStart(@Observes StartupEvent start) {
        if (enabled) {
            bootstrap();
        }
    }

    void bootstrap() {
        if (!database.matches("[a-z0-9_]+")) {
            throw new IllegalStateException("witness database name must be [a-z0-9_]+: " + database);
        }
        try {
            try (Connection admin = DriverManager.getConnection(adminUrl + "postgres", adminUser, "");
                    Statement st = admin.createStatement()) {
                if (!st.executeQuery("select 1 from pg_database where datname = '" + database + "'").next()) {
                    st.execute("create database " + database);
                }
            }
            try (Connection admin = DriverManager.getConnection(adminUrl + database, adminUser, "");
                    Statement st = admin.createStatement()) {
                if (resetAtStart) {
                    // tests start from an empty policy database, so their witness starts empty too (the owner may drop;
                    // the writer role may not)
                    st.execute("drop table if exists witness_checkpoint");
                }
                st.execute(schema());
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("could not set up the audit witness database " + database + ": " + e.getMessage(), e);
        }
    }

    static String schema() throws IOException {
        try (InputStream in = WitnessBootstrap.class.getResourceAsStream("/witness/witness-schema.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
