package io.safeframe.media;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An ffmpeg or ffprobe command line whose inputs can only be a sniffed regular file (forced demuxer, protocol
 * whitelist {@code file}, a {@code file:} URL so no name is ever read as {@code concat:}, {@code http:} …) or our
 * own raw frames on stdin. Outputs are files (as {@code file:} URLs) or stdout.
 */
public final class FfmpegCommand {

    private final List<String> args = new ArrayList<>();

    private FfmpegCommand(String program) {
        args.add(program);
        args.add("-hide_banner");
    }

    /** ffmpeg with the options every run wants: errors only, never read the terminal. */
    public static FfmpegCommand ffmpeg() {
        return new FfmpegCommand("ffmpeg").args("-nostdin");
    }

    public static FfmpegCommand ffprobe() {
        return new FfmpegCommand("ffprobe");
    }

    public FfmpegCommand args(String... more) {
        for (String a : more) {
            args.add(a);
        }
        return this;
    }

    public FfmpegCommand args(List<String> more) {
        args.addAll(more);
        return this;
    }

    /** A file input, its format sniffed here. */
    public FfmpegCommand input(Path file) throws MediaRefused {
        return input(file, MediaSniffer.sniff(file));
    }

    /**
     * A file the caller has sniffed ({@link MediaSniffer#sniff(Path)}: a regular file, no link) with the kind it
     * found; whatever the name, ffmpeg opens it as a plain file with that demuxer.
     */
    public FfmpegCommand input(Path file, MediaSniffer.Kind kind) {
        return args("-f", kind.demuxer(), "-protocol_whitelist", "file", "-i", "file:" + file.toAbsolutePath());
    }

    /** Raw frames we produce ourselves, on stdin. */
    public FfmpegCommand rawInput(String pixelFormat, int width, int height, String frameRate) {
        args("-f", "rawvideo", "-pix_fmt", pixelFormat, "-s", width + "x" + height);
        if (frameRate != null) {
            args("-r", frameRate);
        }
        return args("-protocol_whitelist", "pipe", "-i", "pipe:0");
    }

    /**
     * A WAV file we synthesised ourselves (the generator's fixture narration), never a user's upload: the wav demuxer
     * is forced and only the file protocol allowed, as for sniffed input; MediaSniffer does not accept WAV, so no
     * service reads an uploaded one.
     */
    public FfmpegCommand ownWavInput(Path file) {
        return args("-f", "wav", "-protocol_whitelist", "file", "-i", "file:" + file.toAbsolutePath());
    }

    public FfmpegCommand output(Path file) {
        return args("file:" + file.toAbsolutePath());
    }

    public FfmpegCommand toStdout() {
        return args("pipe:1");
    }

    public List<String> toList() {
        return List.copyOf(args);
    }
}
