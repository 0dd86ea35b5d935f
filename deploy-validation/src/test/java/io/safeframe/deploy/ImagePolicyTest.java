package io.safeframe.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The images can do what the services need and are what prod runs:
 * <ul>
 * <li>every service that uses the media module (directly or through another of our modules) is built with the
 * {@code media-app} target of both Dockerfiles, whose stage installs Debian's ffmpeg (linked with libx264, which
 * marking needs to encode H.264) and util-linux (prlimit, which caps every ffmpeg child);</li>
 * <li>every base image is pinned by digest;</li>
 * <li>prod references every image by digest, never by tag.</li>
 * </ul>
 */
class ImagePolicyTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern DIGEST = Pattern.compile("@sha256:[0-9a-f]{64}");

    record Service(String name, String image, boolean kubernetes) {
    }

    static List<Service> services() throws IOException {
        List<Service> list = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve("deploy/services"))) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+");
            list.add(new Service(f[0], f[2], f[4].equals("yes")));
        }
        return list;
    }

    @Test
    void everyServiceThatHandlesMediaGetsTheMediaImage() throws IOException {
        Map<String, Set<String>> deps = ourModuleDependencies();
        List<String> wrong = new ArrayList<>();
        for (Service s : services()) {
            if (!s.kubernetes()) {
                continue;
            }
            boolean usesMedia = reaches(deps, s.name(), "media");
            // vision-app is media-app plus OCR and speech recognition
            if (usesMedia != (s.image().equals("media-app") || s.image().equals("vision-app"))) {
                wrong.add(s.name() + (usesMedia ? " uses the media module but its image is " : " does not use media, image ") + s.image());
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(reaches(deps, "verify-service", "media"), "verify-service reaches media through provenance-core");
    }

    @Test
    void theMediaStageInstallsDebiansFfmpegAndPrlimitInBothDockerfiles() throws IOException {
        for (String file : List.of("Dockerfile.jvm", "Dockerfile.native")) {
            String dockerfile = Files.readString(ROOT.resolve("deploy/images").resolve(file));
            String media = stage(dockerfile, "media-app");
            assertTrue(media.matches("(?s).*apt-get install[^\\n]*\\bffmpeg\\b.*"), file + ": the media stage installs ffmpeg");
            assertTrue(media.matches("(?s).*apt-get install[^\\n]*\\butil-linux\\b.*"), file + ": the media stage installs util-linux (prlimit)");
            assertTrue(!media.contains("ffmpeg-free"), file + ": ffmpeg-free has no libx264");
            // the stage builds on `app`, whose base is Debian: apt-get's ffmpeg is Debian's
            assertTrue(stage(dockerfile, "app").matches("(?s)FROM \\$\\{BASE\\} AS app.*"), file + ": app builds on BASE");
            assertTrue(dockerfile.matches("(?s).*ARG BASE=debian:[a-z]+-slim@sha256:[0-9a-f]{64}.*"), file + ": BASE is Debian, pinned by digest");
        }
    }

    @Test
    void debiansFfmpegEncodesH264WithLibx264() throws IOException, InterruptedException {
        // the same Debian ffmpeg package the images install (the test command installs it here)
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-encoders").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("libx264"), "Debian's ffmpeg lists the libx264 encoder");
    }

    @Test
    void everyBaseImageIsPinnedByDigest() throws IOException {
        for (String file : List.of("Dockerfile.jvm", "Dockerfile.native")) {
            String dockerfile = Files.readString(ROOT.resolve("deploy/images").resolve(file));
            Matcher arg = Pattern.compile("(?m)^ARG (\\w+)=(\\S+)$").matcher(dockerfile);
            Map<String, String> args = new HashMap<>();
            while (arg.find()) {
                args.put(arg.group(1), arg.group(2));
            }
            Matcher from = Pattern.compile("(?m)^FROM (\\S+)").matcher(dockerfile);
            Matcher named = Pattern.compile("(?m)^FROM \\S+ AS (\\S+)$").matcher(dockerfile);
            Set<String> stages = new TreeSet<>();
            while (named.find()) {
                stages.add(named.group(1));
            }
            while (from.find()) {
                String image = from.group(1);
                if (stages.contains(image)) {
                    continue; // an earlier stage of this file
                }
                String resolved = image.startsWith("${") ? args.get(image.substring(2, image.length() - 1)) : image;
                assertTrue(resolved != null && DIGEST.matcher(resolved).find(), file + ": " + image + " is not pinned by digest");
            }
        }
    }

    @Test
    void prodRunsEveryImageByDigest() throws Exception {
        List<JsonNode> docs = ManifestValidator.documents(OverlayValidationTest.kustomize("deploy/overlays/prod"));
        List<String> images = new ArrayList<>();
        for (JsonNode d : docs) {
            for (JsonNode c : d.path("spec").path("template").path("spec").path("containers")) {
                images.add(d.path("kind").asText() + "/" + d.path("metadata").path("name").asText() + ": " + c.path("image").asText());
            }
        }
        assertTrue(images.size() >= 7, images.toString());
        List<String> byTag = images.stream().filter(i -> !DIGEST.matcher(i).find()).toList();
        assertEquals(List.of(), byTag, "prod references these images by tag");
    }

    /** The text of one build stage, from its FROM line to the next FROM. */
    private static String stage(String dockerfile, String name) {
        Matcher m = Pattern.compile("(?m)^FROM \\S+ AS " + name + "$").matcher(dockerfile);
        assertTrue(m.find(), "no stage " + name);
        int end = dockerfile.indexOf("\nFROM ", m.end());
        return dockerfile.substring(m.start(), end < 0 ? dockerfile.length() : end);
    }

    /** module → the modules of this reactor its pom depends on. */
    private static Map<String, Set<String>> ourModuleDependencies() throws IOException {
        Map<String, Set<String>> deps = new HashMap<>();
        Pattern artifact = Pattern.compile("<groupId>io\\.safeframe</groupId>\\s*<artifactId>([a-z-]+)</artifactId>(?:\\s*<version>[^<]*</version>)?(?:\\s*<type>([a-z-]+)</type>)?(?:\\s*<scope>([a-z]+)</scope>)?");
        try (var dirs = Files.list(ROOT)) {
            for (Path dir : dirs.filter(d -> Files.exists(d.resolve("pom.xml")) && !d.equals(ROOT)).toList()) {
                String pom = Files.readString(dir.resolve("pom.xml"));
                int start = pom.indexOf("<dependencies>");
                Set<String> set = new TreeSet<>();
                if (start >= 0) {
                    Matcher m = artifact.matcher(pom.substring(start));
                    while (m.find()) {
                        if (!"test".equals(m.group(3))) {
                            set.add(m.group(1));
                        }
                    }
                }
                deps.put(dir.getFileName().toString(), set);
            }
        }
        return deps;
    }

    private static boolean reaches(Map<String, Set<String>> deps, String from, String target) {
        for (String d : deps.getOrDefault(from, Set.of())) {
            if (d.equals(target) || reaches(deps, d, target)) {
                return true;
            }
        }
        return false;
    }
}
