package io.safeframe.keyring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingTest {

    @Test
    void newestSignsAndEveryVersionIsFoundById() {
        // given out of order on purpose: the ring orders by version, not by list position
        KeyRing<String> ring = KeyRing.of(List.of(new KeyRing.Version<>(2, "c", "key-2"), new KeyRing.Version<>(0, "a", "key-0"),
                new KeyRing.Version<>(1, "b", "key-1")));
        assertEquals("key-2", ring.newest().key());
        assertEquals("key-0", ring.byId("a").orElseThrow().key());
        assertTrue(ring.byId("zz").isEmpty());
        assertEquals(List.of("c", "b", "a"), ring.newestFirst().stream().map(KeyRing.Version::id).toList());
        assertEquals(List.of("a", "b", "c"), ring.map(String::length).ids(), "map keeps ids and order");
    }

    @Test
    void aRingRefusesDuplicateIdsAndEmptiness() {
        // the same key added twice would make "which key signed" ambiguous
        assertThrows(IllegalArgumentException.class, () -> KeyRing.of(List.of(new KeyRing.Version<>(0, "a", "x"),
                new KeyRing.Version<>(1, "a", "x"))));
        assertThrows(IllegalArgumentException.class, () -> KeyRing.of(List.of()));
    }

    @Test
    void filesKeepTheLegacyNameAsVersionZeroAndRotationNeverOverwrites(@TempDir Path dir) throws Exception {
        KeyRingFiles files = new KeyRingFiles(dir, "audit-ed25519");
        assertEquals(0, files.nextVersion("pub"));
        Files.writeString(dir.resolve("audit-ed25519.pub"), "legacy");
        Files.writeString(dir.resolve("audit-ed25519-other.pub"), "not part of this ring");
        assertEquals(List.of(0), files.versions("pub"));
        files.write(files.nextVersion("pub"), "pub", "v1".getBytes(StandardCharsets.US_ASCII), false);
        files.write(files.nextVersion("pub"), "pub", "v2".getBytes(StandardCharsets.US_ASCII), true);
        assertEquals(List.of(0, 1, 2), files.versions("pub"));
        assertEquals("v2", new String(files.read(2, "pub"), StandardCharsets.US_ASCII));
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> files.write(1, "pub", new byte[1], false));
    }
}
