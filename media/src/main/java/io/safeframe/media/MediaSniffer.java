package io.safeframe.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Decides the container from the file's first bytes, never from its name or a client's Content-Type: ffmpeg's
 * own probing picks among hundreds of demuxers (playlists that open URLs, image sequences, concat lists), so the
 * decoder is always told the one demuxer the magic bytes name, and anything else is refused before it runs.
 */
public final class MediaSniffer {

    /** What the bytes are: the ffmpeg demuxer to force, and the media type the rest of the system uses. */
    public enum Kind {
        MP4("mov", "video/mp4", false), MATROSKA("matroska", "video/webm", false), PNG("png_pipe", "image/png", true),
        JPEG("jpeg_pipe", "image/jpeg", true);

        private final String demuxer;
        private final String mediaType;
        private final boolean image;

        Kind(String demuxer, String mediaType, boolean image) {
            this.demuxer = demuxer;
            this.mediaType = mediaType;
            this.image = image;
        }

        public String demuxer() {
            return demuxer;
        }

        public String mediaType() {
            return mediaType;
        }

        public boolean image() {
            return image;
        }
    }

    private static final byte[] PNG = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    private static final byte[] EBML = { 0x1A, 0x45, (byte) 0xDF, (byte) 0xA3 };

    private MediaSniffer() {
    }

    /** The kind of a regular file (symbolic links refused: the decoder must read exactly what was checked). */
    public static Kind sniff(Path file) throws MediaRefused {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new MediaRefused("not a regular file");
        }
        byte[] head = new byte[16];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new MediaRefused("the file cannot be read");
        }
        return sniff(Arrays.copyOf(head, n));
    }

    /** The kind named by the first bytes (at least 12 are needed for MP4). */
    public static Kind sniff(byte[] head) throws MediaRefused {
        if (startsWith(head, PNG)) {
            return Kind.PNG;
        }
        if (head.length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
            return Kind.JPEG;
        }
        if (head.length >= 12 && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p') {
            return Kind.MP4;
        }
        if (startsWith(head, EBML)) {
            return Kind.MATROSKA;
        }
        throw new MediaRefused(head.length == 0 ? "the file is empty" : "not an MP4, WebM, PNG or JPEG file (unknown magic bytes)");
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }
}
