package io.safeframe.guard.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyReloadTest {

    @TempDir
    Path dir;

    private static String policy(String version, String term) {
        return "{\"version\":\"" + version + "\",\"benign\":[],\"categories\":[{\"code\":\"weapons\",\"name\":\"weapons\","
                + "\"severity\":5,\"decision\":\"BLOCK\",\"terms\":[\"" + term + "\"]}]}";
    }

    private static void write(Path file, String text, long mtimeMillis) throws Exception {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(mtimeMillis));
    }

    @Test
    void validChangeIsLoadedAndBadFileIsRefusedKeepingTheOld() throws Exception {
        Path file = dir.resolve("prompt-policy.json");
        write(file, policy("v1", "pipe bomb"), 1_000_000);
        PolicyHolder holder = new PolicyHolder(Optional.of(file.toString()));
        assertEquals("v1", holder.current().version());

        write(file, policy("v2", "nail bomb"), 2_000_000);
        assertEquals("reloaded v2", holder.reloadIfChanged());
        assertEquals("v2", holder.current().version());

        write(file, "{ not json", 3_000_000);
        assertTrue(holder.reloadIfChanged().startsWith("refused"));
        assertEquals("v2", holder.current().version(), "the old policy stays active");

        write(file, policy("v3", "").replace("\"terms\":[\"\"]", "\"terms\":[]"), 4_000_000);
        assertTrue(holder.reloadIfChanged().contains("no terms"), "a category with nothing to match is refused");
        write(file, policy("v4", "x").replace("BLOCK", "MAYBE"), 5_000_000);
        assertTrue(holder.reloadIfChanged().contains("decision"));
        write(file, policy("v5", "bomb").replace("\"terms\"", "\"patterns\":[\"(unclosed\"],\"terms\""), 6_000_000);
        assertTrue(holder.reloadIfChanged().contains("bad pattern"));
        write(file, policy("v6", "bomb").replace("\"benign\":[]", "\"benign\":[],\"surprise\":1"), 7_000_000);
        assertTrue(holder.reloadIfChanged().startsWith("refused"), "unknown fields are refused");
        assertEquals("v2", holder.current().version());
        assertEquals("unchanged", holder.reloadIfChanged());

        // the history the moderators' policy viewer shows: first load, the reload, then every refusal (with its
        // reason, and the version that stayed in force)
        List<PolicyHolder.Change> history = holder.history();
        assertEquals(List.of("LOADED", "RELOADED", "REFUSED", "REFUSED", "REFUSED", "REFUSED", "REFUSED"),
                history.stream().map(PolicyHolder.Change::outcome).toList());
        assertEquals(List.of("v1", "v2", "v2", "v2", "v2", "v2", "v2"), history.stream().map(PolicyHolder.Change::version).toList());
        assertTrue(history.get(3).detail().contains("no terms"), history.get(3).toString());
        assertEquals(file.toString(), holder.source());
    }

    @Test
    void builtInPolicyCompiles() {
        CompiledPolicy p = PolicyHolder.builtIn();
        assertTrue(p.source.categories().size() >= 11);
    }
}
