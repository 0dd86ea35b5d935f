package io.safeframe.keyring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A key ring on disk: the versions of key {@code NAME} are files in one directory, {@code NAME.SUFFIX} (version 0,
 * the layout from before rings, so existing keys and Secrets keep working) and {@code NAME.N.SUFFIX} for N ≥ 1.
 * A Kubernetes Secret mounted as a directory has exactly this shape (one Secret key per file), and so does the
 * git-ignored {@code data/keys} folder of a local run. Rotation adds the next version; nothing is ever overwritten.
 */
public final class KeyRingFiles {

    private final Path dir;
    private final String name;

    public KeyRingFiles(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    public Path dir() {
        return dir;
    }

    /** The versions present for {@code suffix} (e.g. "pk8"), oldest first. */
    public List<Integer> versions(String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        Pattern file = Pattern.compile(Pattern.quote(name) + "(?:\\.(\\d+))?\\." + Pattern.quote(suffix));
        List<Integer> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = file.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(m.group(1) == null ? 0 : Integer.parseInt(m.group(1)));
                }
            }
        }
        out.sort(null);
        return out;
    }

    public Path path(int version, String suffix) {
        return dir.resolve(version == 0 ? name + "." + suffix : name + "." + version + "." + suffix);
    }

    /** The version a rotation writes: one past the newest present (1 when only the legacy file exists, 0 when none). */
    public int nextVersion(String suffix) throws IOException {
        List<Integer> present = versions(suffix);
        return present.isEmpty() ? 0 : present.get(present.size() - 1) + 1;
    }

    public byte[] read(int version, String suffix) throws IOException {
        Path p = path(version, suffix);
        if (!Files.exists(p)) {
            throw new IOException("missing " + p.getFileName() + " in " + dir);
        }
        return Files.readAllBytes(p);
    }

    /** Writes a new version's file, owner-only for secrets; refuses to overwrite an existing version. */
    public void write(int version, String suffix, byte[] bytes, boolean secret) throws IOException {
        Files.createDirectories(dir);
        Path p = path(version, suffix);
        Files.write(p, bytes, java.nio.file.StandardOpenOption.CREATE_NEW);
        if (secret) {
            try {
                Files.setPosixFilePermissions(p, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; the folder's own permissions apply
            }
        }
    }
}
