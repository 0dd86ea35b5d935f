package io.safeframe.curation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why an item was dropped. The details are deterministic facts (decisions, categories, bank names, payloads, gRPC
 * status codes) and never a service's free-text error, which may name temporary files: the merged output of 1 and of
 * N shards must be byte-identical.
 */
public record Reason(Code code, Map<String, Object> details) {

    /** In the order reasons are listed on a dropped line. */
    public enum Code {
        /** malformed line, missing or unreadable file, media a decoder refused (fail closed: never kept) */
        unreadable,
        /** prompt-guard: BLOCK or REVIEW */
        unsafe_text,
        /** frame-classifier's classifiers and policy (no bank match): BLOCK or REVIEW */
        unsafe_media,
        /** a frame matched a PDQ hash bank */
        bank_match,
        /** our invisible watermark (any key version) */
        watermark,
        /** a C2PA manifest, ours or anyone's, valid or not */
        c2pa,
        /** IPTC digital source type trainedAlgorithmicMedia in the file's XMP */
        iptc_ai,
        /** a checking service stayed unavailable after retries: not known to be safe, so not kept */
        unchecked
    }

    public static Reason of(Code code, Object... keyValues) {
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                details.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        return new Reason(code, details);
    }
}
