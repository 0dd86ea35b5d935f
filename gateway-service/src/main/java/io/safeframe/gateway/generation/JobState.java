package io.safeframe.gateway.generation;

/** QUEUED → SCREENING → GENERATING → CLASSIFYING → MARKING → PUBLISHED, or BLOCKED / HELD_FOR_REVIEW / FAILED. */
public enum JobState {
    QUEUED, SCREENING, GENERATING, CLASSIFYING, MARKING, PUBLISHED, BLOCKED, HELD_FOR_REVIEW, FAILED;

    public boolean finished() {
        return this == PUBLISHED || this == BLOCKED || this == FAILED;
    }
}
