package io.safeframe.frames.text;

/**
 * A run of text read from a clip, the unit that is screened: a caption paragraph seen on screen from startMs to
 * endMs in region box (modality "ocr"), or a spoken segment (modality "speech", no box).
 */
public record TextLine(String modality, String text, long startMs, long endMs, Box box) {

    public static final String OCR = "ocr";
    public static final String SPEECH = "speech";
}
