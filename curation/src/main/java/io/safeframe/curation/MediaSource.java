package io.safeframe.curation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Reads a manifest's media reference: a path relative to the manifest's folder (or absolute), or an {@code s3://}
 * object ({@link ObjectStore}). Only regular files and objects of at most the configured size (checked before
 * reading); anything that cannot be read makes the item unreadable, so it is never kept unchecked.
 */
final class MediaSource {

    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    private final Path base;
    private final long maxBytes;
    private final ObjectStore objects;

    MediaSource(Path base, long maxBytes, ObjectStore objects) {
        this.base = base;
        this.maxBytes = maxBytes;
        this.objects = objects;
    }

    byte[] read(String ref) throws Unavailable {
        if (ref.startsWith("s3://")) {
            return objects.read(ref, maxBytes);
        }
        if (ref.contains("://")) {
            throw new Unavailable("unsupported reference scheme");
        }
        Path file = base.resolve(ref).normalize();
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
                throw new Unavailable("missing file");
            }
            long size = Files.size(file);
            if (size == 0) {
                throw new Unavailable("empty file");
            }
            if (size > maxBytes) {
                throw new Unavailable("larger than " + maxBytes + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Unavailable("unreadable file");
        }
    }
}
