package io.safeframe.provenance.watermark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test images through the ffmpeg binary: generate, decode to RGB24, encode from RGB24. */
final class Images {

    record Rgb(int width, int height, byte[] pixels) {
    }

    private Images() {
    }

    static void ffmpeg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-loglevel", "error", "-y"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + log);
        }
    }

    static Rgb decode(Path file) throws Exception {
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                "-of", "csv=p=0", file.toString()).start();
        String[] wh = new String(probe.getInputStream().readAllBytes()).trim().split(",");
        probe.waitFor();
        int w = Integer.parseInt(wh[0]);
        int h = Integer.parseInt(wh[1]);
        Process p = new ProcessBuilder("ffmpeg", "-loglevel", "error", "-i", file.toString(), "-frames:v", "1", "-f", "rawvideo",
                "-pix_fmt", "rgb24", "pipe:1").start();
        byte[] px = p.getInputStream().readAllBytes();
        p.waitFor();
        if (px.length != w * h * 3) {
            throw new IllegalStateException("decoded " + px.length + " bytes from " + file);
        }
        return new Rgb(w, h, px);
    }

    static Path writePng(Rgb img, Path file) throws Exception {
        Path raw = Files.createTempFile("rgb", ".raw");
        Files.write(raw, img.pixels());
        ffmpeg("-f", "rawvideo", "-pix_fmt", "rgb24", "-s", img.width() + "x" + img.height(), "-i", raw.toString(), "-frames:v", "1",
                "-pix_fmt", "rgb24", file.toString());
        Files.delete(raw);
        return file;
    }

    static double psnr(byte[] a, byte[] b) {
        double se = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] & 0xff) - (b[i] & 0xff);
            se += d * d;
        }
        double mse = se / a.length;
        return mse == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    /** Mean SSIM over 8×8 windows (stride 4) of two luma planes (Wang et al. 2004 constants). */
    static double ssim(byte[] a, byte[] b, int w, int h) {
        double c1 = Math.pow(0.01 * 255, 2);
        double c2 = Math.pow(0.03 * 255, 2);
        double total = 0;
        int windows = 0;
        for (int y = 0; y + 8 <= h; y += 4) {
            for (int x = 0; x + 8 <= w; x += 4) {
                double ma = 0;
                double mb = 0;
                for (int j = 0; j < 8; j++) {
                    for (int i = 0; i < 8; i++) {
                        ma += a[(y + j) * w + x + i] & 0xff;
                        mb += b[(y + j) * w + x + i] & 0xff;
                    }
                }
                ma /= 64;
                mb /= 64;
                double va = 0;
                double vb = 0;
                double cov = 0;
                for (int j = 0; j < 8; j++) {
                    for (int i = 0; i < 8; i++) {
                        double da = (a[(y + j) * w + x + i] & 0xff) - ma;
                        double db = (b[(y + j) * w + x + i] & 0xff) - mb;
                        va += da * da;
                        vb += db * db;
                        cov += da * db;
                    }
                }
                va /= 63;
                vb /= 63;
                cov /= 63;
                total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
                windows++;
            }
        }
        return total / windows;
    }
}
