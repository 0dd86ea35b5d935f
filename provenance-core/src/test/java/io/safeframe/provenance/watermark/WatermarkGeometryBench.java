package io.safeframe.provenance.watermark;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The issue-18 robustness table (run by tools/wm-robustness, not by the test command): payload recovered and
 * detection after every attack of {@link Attacks} on generated stills and on marked clips, PSNR of the mark,
 * false detections of the full search on unmarked frames, and embed/read time per 1080p frame.
 * Arguments: stills (≤ 20), clips (≤ 8), unmarked frames.
 */
public final class WatermarkGeometryBench {

    static final String[] CLIPS = { "testsrc2=size=640x360:rate=24", "mandelbrot=size=640x360:rate=24",
        "gradients=size=640x360:rate=24:speed=0.02:seed=3", "nullsrc=s=640x360:r=24,geq=lum='128+60*sin(X/17+T)*cos(Y/23)+30*sin((X+Y)/7)':cb=128:cr=128",
        "smptehdbars=size=640x360:rate=24,noise=alls=8:allf=t", "testsrc=size=640x360:rate=24", "cellauto=size=640x360:rate=24,gblur=sigma=2",
        "nullsrc=s=640x360:r=24,geq=lum='128+90*sin(hypot(X-320,Y-180)/9-T)':cb=110:cr=150" };

    private WatermarkGeometryBench() {
    }

    public static void main(String[] args) throws Exception {
        int stills = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int clips = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int unmarked = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        Path dir = Path.of("target/wm-bench");
        Files.createDirectories(dir);
        WatermarkKey key = WatermarkRobustnessTest.KEY;
        Watermarker mark = WatermarkRobustnessTest.MARK;
        byte[] payload = WatermarkRobustnessTest.PAYLOAD;
        String want = HexFormat.of().formatHex(payload);
        boolean[] cw = Payload.codeword(payload);

        Map<String, long[]> table = new LinkedHashMap<>();
        double minPsnr = 99;
        double sumPsnr = 0;
        for (int s = 0; s < stills; s++) {
            Path orig = dir.resolve("f" + s + ".png");
            Images.ffmpeg("-f", "lavfi", "-i", WatermarkRobustnessTest.SOURCES[s], "-frames:v", "1", "-pix_fmt", "rgb24", orig.toString());
            Images.Rgb img = Images.decode(orig);
            byte[] luma = RgbLuma.luma(img.pixels());
            byte[] m = luma.clone();
            mark.embed(m, img.width(), img.height(), cw);
            byte[] rgb = img.pixels().clone();
            RgbLuma.applyLuma(rgb, luma, m);
            double psnr = Images.psnr(img.pixels(), rgb);
            minPsnr = Math.min(minPsnr, psnr);
            sumPsnr += psnr;
            Path marked = Images.writePng(new Images.Rgb(img.width(), img.height(), rgb), dir.resolve("m" + s + ".png"));
            for (String attack : Attacks.ALL) {
                Images.Rgb x = Images.decode(Attacks.still(marked, attack, dir, "s" + s));
                long t0 = System.nanoTime();
                Resync.Result r = Resync.detect(mark, RgbLuma.luma(x.pixels()), x.width(), x.height(), key);
                long ns = System.nanoTime() - t0;
                long[] c = table.computeIfAbsent("still " + attack, k -> new long[4]);
                c[0] += want.equals(r.detection().payloadHex()) ? 1 : 0;
                c[1] += r.detection().detected() ? 1 : 0;
                c[2]++;
                c[3] += ns;
            }
            System.err.println("still " + s + " done");
        }
        for (int c = 0; c < clips; c++) {
            Path clip = dir.resolve("clip" + c + ".mp4");
            Images.ffmpeg("-f", "lavfi", "-i", CLIPS[c], "-t", "3", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
                    clip.toString());
            MediaMarker media = new MediaMarker(mark);
            Path marked = dir.resolve("clip" + c + "-marked.mp4");
            media.mark(clip, marked, payload);
            for (String attack : Attacks.CLIP_ATTACKS) {
                Path attacked = clipAttack(marked, attack, dir, "c" + c);
                long t0 = System.nanoTime();
                Detection d = media.detect(attacked, key).detection();
                long ns = System.nanoTime() - t0;
                long[] t = table.computeIfAbsent("clip  " + attack, k -> new long[4]);
                t[0] += want.equals(d.payloadHex()) ? 1 : 0;
                t[1] += d.detected() ? 1 : 0;
                t[2]++;
                t[3] += ns;
            }
            System.err.println("clip " + c + " done");
        }
        System.out.printf("PSNR of the mark over %d stills: mean %.1f dB, min %.1f dB%n", stills, sumPsnr / Math.max(1, stills), minPsnr);
        System.out.println("| attack | payload recovered | detected | read ms (mean) |");
        System.out.println("|---|---|---|---|");
        for (var e : table.entrySet()) {
            long[] t = e.getValue();
            System.out.printf("| %s | %d/%d | %d/%d | %.0f |%n", e.getKey(), t[0], t[2], t[1], t[2], t[3] / 1e6 / t[2]);
        }

        // false positives: the full search on unmarked frames of moving sources
        String[] moving = { "testsrc2=size=320x180:rate=25", "mandelbrot=size=320x180:rate=25", "life=size=320x180:rate=25:mold=10",
            "cellauto=size=320x180:rate=25", "gradients=size=320x180:rate=25:speed=0.05", "smptebars=size=320x180:rate=25,noise=alls=20:allf=t" };
        int frames = 0;
        int falses = 0;
        double minP = 1;
        int per = (unmarked + moving.length - 1) / moving.length;
        for (String src : moving) {
            Process p = new ProcessBuilder("ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", src, "-frames:v", Integer.toString(per), "-f", "rawvideo",
                    "-pix_fmt", "gray", "pipe:1").start();
            byte[] all = p.getInputStream().readAllBytes();
            p.waitFor();
            int size = 320 * 180;
            for (int off = 0; off + size <= all.length && frames < unmarked; off += size) {
                byte[] y = java.util.Arrays.copyOfRange(all, off, off + size);
                Detection d = Resync.detect(mark, y, 320, 180, key).detection();
                minP = Math.min(minP, d.pValue());
                falses += d.detected() ? 1 : 0;
                frames++;
            }
        }
        System.out.printf("false detections: %d of %d unmarked frames (full search, %d hypotheses, bound 1e-6; smallest corrected p %.3g)%n", falses,
                frames, Resync.HYPOTHESES + 1, minP);

        // 1080p timing
        int w = 1920;
        int h = 1080;
        Path big = dir.resolve("big.png");
        Images.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=1", "-frames:v", "1", "-pix_fmt", "gray", big.toString());
        Process p = new ProcessBuilder("ffmpeg", "-loglevel", "error", "-i", big.toString(), "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1").start();
        byte[] frame = p.getInputStream().readAllBytes();
        p.waitFor();
        byte[] marked = frame.clone();
        for (int i = 0; i < 5; i++) {
            byte[] f = frame.clone();
            mark.embed(f, w, h, cw);
            Resync.detect(mark, f, w, h, key);
        }
        int n = 10;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            marked = frame.clone();
            mark.embed(marked, w, h, cw);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Resync.detect(mark, marked, w, h, key);
        }
        long t2 = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            Resync.detect(mark, frame, w, h, key);
        }
        long t3 = System.nanoTime();
        System.out.printf("1080p, one thread: embed %.1f ms/frame; read of a marked frame %.1f ms; full search of an unmarked frame %.0f ms%n",
                (t1 - t0) / 1e6 / n, (t2 - t1) / 1e6 / n, (t3 - t2) / 1e6 / 3);
    }

    static Path clipAttack(Path marked, String attack, Path dir, String tag) throws Exception {
        Path out = dir.resolve(tag + "-" + attack + ".mp4");
        switch (attack) {
            case "none" -> {
                return marked;
            }
            case "h264crf28" -> enc(marked, out, "null", 28);
            case "h264crf32x2" -> {
                Path once = dir.resolve(tag + "-crf32-once.mp4");
                enc(marked, once, "null", 32);
                enc(once, out, "null", 32);
            }
            case "fps24to30" -> enc(marked, out, "fps=30", 23);
            case "scale0.5+crop56+crf28" -> enc(marked, out, "scale=iw/2:ih/2,crop=iw*0.75:ih*0.75:iw*0.2:ih*0.05,scale=trunc(iw/2)*2:trunc(ih/2)*2", 28);
            default -> enc(marked, out, Attacks.filter(attack) + ",scale=trunc(iw/2)*2:trunc(ih/2)*2", 23);
        }
        return out;
    }

    private static void enc(Path in, Path out, String vf, int crf) throws Exception {
        List<String> a = List.of("-i", in.toString(), "-filter_complex", vf, "-c:v", "libx264", "-crf", Integer.toString(crf), "-preset", "veryfast",
                "-pix_fmt", "yuv420p", out.toString());
        Images.ffmpeg(a.toArray(String[]::new));
    }
}
