package io.safeframe.frames.media;

/**
 * Whether a still image's bytes reach its end marker. ffmpeg decodes a truncated JPEG or PNG without failing (it
 * fills the missing rows grey and only logs an error), so a cut-off upload would be searched as if it were whole;
 * where the answer feeds an identity decision that must be refused instead.
 */
public final class ImageEnd {

    private ImageEnd() {
    }

    /** @param codec ffprobe's codec name: mjpeg and png are checked, other formats pass */
    public static void check(byte[] bytes, String codec) throws MediaException {
        boolean whole = switch (codec) {
            case "mjpeg" -> jpegEnds(bytes);
            case "png" -> indexOf(bytes, new byte[] { 'I', 'E', 'N', 'D' }) >= 0;
            default -> true;
        };
        if (!whole) {
            throw new MediaException("the image is truncated: its " + (codec.equals("png") ? "PNG IEND chunk" : "JPEG end marker") + " is missing");
        }
    }

    /**
     * An end-of-image marker (FF D9) after the last start-of-scan (FF DA). Scan data stuffs every FF byte (FF 00), so
     * FF D9 inside the scan is the real end; an embedded EXIF thumbnail ends before the main scan starts.
     */
    private static boolean jpegEnds(byte[] b) {
        int lastScan = -1;
        for (int i = 0; i + 1 < b.length; i++) {
            if ((b[i] & 0xff) == 0xff && (b[i + 1] & 0xff) == 0xda) {
                lastScan = i;
            }
        }
        if (lastScan < 0) {
            return false;
        }
        for (int i = lastScan + 2; i + 1 < b.length; i++) {
            if ((b[i] & 0xff) == 0xff && (b[i + 1] & 0xff) == 0xd9) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] b, byte[] needle) {
        outer:
        for (int i = b.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
