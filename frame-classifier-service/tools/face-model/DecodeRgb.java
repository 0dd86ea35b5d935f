// Decodes an image with the JDK's ImageIO into raw RGB24 (row-major) and prints "WIDTH HEIGHT", so the TF.js
// reference sees exactly the pixels the Java parity test decodes (FaceParityTest uses the same ImageIO path).
//   java DecodeRgb.java IN.jpg OUT.rgb
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

public class DecodeRgb {
    public static void main(String[] args) throws Exception {
        BufferedImage img = ImageIO.read(new File(args[0]));
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                int i = (y * w + x) * 3;
                out[i] = (byte) (p >> 16);
                out[i + 1] = (byte) (p >> 8);
                out[i + 2] = (byte) p;
            }
        }
        Files.write(Path.of(args[1]), out);
        System.out.println(w + " " + h);
    }
}
