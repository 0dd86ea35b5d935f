package io.safeframe.provenance.watermark;

import java.nio.file.Path;
import java.util.List;

/** The re-posting attacks of issue 18 as ffmpeg filter graphs on a still (the marked frame is 640×360, 16:9). */
final class Attacks {

    private Attacks() {
    }

    /** Every attack the issue lists for stills (videos: see {@link #CLIP_ATTACKS}). */
    static final List<String> ALL = List.of("none", "flip", "letterbox-9x16-black", "letterbox-9x16-blur", "box-4x3", "pillarbox-21x9",
            "border5", "crop56-tl", "crop56-tr", "crop56-bl", "crop56-br", "crop56-c+", "crop49-tl", "crop64-br", "rotate+2", "rotate-2",
            "rotate+5", "rotate-5", "rotate+10", "rotate-10", "scale0.3", "scale2", "stretch-4x3", "jpeg50", "h264crf28", "h264crf32x2",
            "scale0.5+crop56+crf28", "flip+crop56");

    static final List<String> CLIP_ATTACKS = List.of("none", "flip", "letterbox-9x16-black", "letterbox-9x16-blur", "border5", "crop56-tl",
            "crop56-br", "rotate+2", "h264crf28", "h264crf32x2", "fps24to30", "scale0.5+crop56+crf28");

    /** The ffmpeg -vf graph of an attack on a still, or null for the ones done otherwise. */
    static String filter(String attack) {
        return switch (attack) {
            case "flip" -> "hflip";
            case "letterbox-9x16-black" -> "scale=360:-2,pad=360:640:(ow-iw)/2:(oh-ih)/2:black";
            case "letterbox-9x16-blur" -> "split[a][b];[a]scale=360:640,boxblur=20:2[bg];[b]scale=360:-2[fg];[bg][fg]overlay=(W-w)/2:(H-h)/2";
            case "box-4x3" -> "pad=iw:iw*3/4:0:(oh-ih)/2:black";
            case "pillarbox-21x9" -> "pad=ih*21/9:ih:(ow-iw)/2:0:black";
            case "border5" -> "pad=iw*1.1:ih*1.1:iw*0.05:ih*0.05:color=0xe0e0e0";
            case "crop56-tl" -> "crop=iw*0.75:ih*0.75:0:0";
            case "crop56-tr" -> "crop=iw*0.75:ih*0.75:iw*0.25:0";
            case "crop56-bl" -> "crop=iw*0.75:ih*0.75:0:ih*0.25";
            case "crop56-br" -> "crop=iw*0.75:ih*0.75:iw*0.25:ih*0.25";
            case "crop56-c+" -> "crop=iw*0.75:ih*0.75:iw*0.17:ih*0.06";
            case "crop49-tl" -> "crop=iw*0.7:ih*0.7:iw*0.03:ih*0.05";
            case "crop64-br" -> "crop=iw*0.8:ih*0.8:iw*0.2:ih*0.2";
            case "rotate+2", "rotate-2", "rotate+5", "rotate-5", "rotate+10", "rotate-10" ->
                "rotate=" + attack.substring(6) + "*PI/180:fillcolor=black";
            case "scale0.3" -> "scale=iw*0.3:-2:flags=bicubic";
            case "scale2" -> "scale=iw*2:ih*2:flags=bicubic";
            case "stretch-4x3" -> "scale=ih*4/3:ih:flags=bicubic";
            case "flip+crop56" -> "hflip,crop=iw*0.75:ih*0.75:iw*0.1:ih*0.2";
            default -> null;
        };
    }

    /** Applies an attack to a marked still; returns the attacked file (png, jpg). */
    static Path still(Path marked, String attack, Path dir, String tag) throws Exception {
        String f = filter(attack);
        Path png = dir.resolve(tag + "-" + attack + ".png");
        if (attack.equals("none")) {
            return marked;
        }
        if (f != null) {
            Images.ffmpeg("-i", marked.toString(), "-filter_complex", f, "-pix_fmt", "rgb24", png.toString());
            return png;
        }
        switch (attack) {
            case "jpeg50" -> {
                Path jpg = dir.resolve(tag + "-" + attack + ".jpg");
                WatermarkRobustnessTest.jpeg(marked, jpg, 0.5f);
                return jpg;
            }
            case "h264crf28" -> {
                return h264(marked, png, "null", 28, 1, dir, tag);
            }
            case "h264crf32x2" -> {
                return h264(marked, png, "null", 32, 2, dir, tag);
            }
            case "scale0.5+crop56+crf28" -> {
                return h264(marked, png, "scale=iw/2:ih/2,crop=iw*0.75:ih*0.75:iw*0.2:ih*0.05,scale=trunc(iw/2)*2:trunc(ih/2)*2", 28, 1, dir, tag);
            }
            default -> throw new IllegalArgumentException(attack);
        }
    }

    private static Path h264(Path marked, Path out, String vf, int crf, int times, Path dir, String tag) throws Exception {
        Path in = marked;
        for (int t = 0; t < times; t++) {
            Path mp4 = dir.resolve(tag + "-h264-" + crf + "-" + t + ".mp4");
            if (t == 0) {
                Images.ffmpeg("-loop", "1", "-i", in.toString(), "-t", "1", "-r", "10", "-vf", vf, "-c:v", "libx264", "-crf", Integer.toString(crf),
                        "-preset", "veryfast", "-pix_fmt", "yuv420p", mp4.toString());
            } else {
                Images.ffmpeg("-i", in.toString(), "-c:v", "libx264", "-crf", Integer.toString(crf), "-preset", "veryfast", "-pix_fmt", "yuv420p",
                        mp4.toString());
            }
            in = mp4;
        }
        Images.ffmpeg("-i", in.toString(), "-vf", "select=eq(n\\,5)", "-frames:v", "1", "-pix_fmt", "rgb24", out.toString());
        return out;
    }
}
