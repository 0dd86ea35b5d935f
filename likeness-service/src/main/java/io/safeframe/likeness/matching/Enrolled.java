package io.safeframe.likeness.matching;

import java.util.List;
import java.util.Set;

import io.safeframe.api.v1.Audience;

/**
 * One enrolled likeness with its descriptors opened for the duration of a check.
 *
 * @param owner the owner's account; null for a protected person
 * @param handle null for a protected person
 * @param name what the verdict may say about it: the handle, or "a protected public figure"
 */
public record Enrolled(String likenessId, String owner, String handle, String name, Audience audience,
        Set<String> grantees, List<float[]> descriptors) {
}
