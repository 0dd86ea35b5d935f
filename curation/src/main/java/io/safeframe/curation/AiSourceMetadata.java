package io.safeframe.curation;

import java.nio.charset.StandardCharsets;

/**
 * IPTC's digital source type "trainedAlgorithmicMedia" declared in a file's XMP
 * ({@code Iptc4xmpExt:DigitalSourceType}, as generators and editors write it), without parsing the XMP: the property
 * name and the code within a short window. Only the XMP spelling ("DigitalSourceType", capital D) counts; a C2PA
 * manifest's actions assertion ("digitalSourceType") is the {@code c2pa} reason's business.
 */
final class AiSourceMetadata {

    private static final byte[] PROPERTY = "DigitalSourceType".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CODE = "trainedAlgorithmicMedia".getBytes(StandardCharsets.US_ASCII);
    /** the property's value (an attribute or an element, possibly rdf:resource) follows within this many bytes */
    private static final int WINDOW = 160;

    private AiSourceMetadata() {
    }

    static boolean declaresTrainedAlgorithmicMedia(byte[] media) {
        for (int at = indexOf(media, PROPERTY, 0); at >= 0; at = indexOf(media, PROPERTY, at + 1)) {
            int from = at + PROPERTY.length;
            int code = indexOf(media, CODE, from);
            if (code >= 0 && code - from <= WINDOW) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
