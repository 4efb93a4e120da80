package io.jgan.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jgan.JganException;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {

    @TempDir
    Path tmp;

    /** Writes a w x h image whose pixel (x, y) is (x, y, x+y) in RGB, or gray x+y. */
    static Path image(Path file, int w, int h, boolean rgb) throws Exception {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, rgb ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int g = (x + y) & 0xff;
                if (rgb) {
                    img.setRGB(x, y, x << 16 | y << 8 | g);
                } else {
                    img.getRaster().setSample(x, y, 0, g); // the stored byte, as a PNG holds it
                }
            }
        }
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    @Test
    void grayImagesOfOneSizeReadAsOneChannelInSortedOrder() throws Exception {
        image(tmp.resolve("b.png"), 5, 4, false);
        image(tmp.resolve("a.png"), 5, 4, false);
        ImageFolderReader.Result r = ImageFolderReader.read(tmp, 0, 0, 0);
        ImageSet s = r.images();
        assertThat(new int[] {s.count(), s.channels(), s.rows(), s.cols()}).containsExactly(2, 1, 4, 5);
        assertThat(s.pixels()[3 * 5 + 2] & 0xff).isEqualTo(5); // (x 2, y 3): 2 + 3
        assertThat(r.labels()).isNull();
    }

    @Test
    void rgbIsChannelMajorAndSubfoldersAreClasses() throws Exception {
        image(tmp.resolve("cats/1.png"), 3, 2, true);
        image(tmp.resolve("dogs/1.png"), 3, 2, true);
        image(tmp.resolve("dogs/2.png"), 3, 2, false); // gray among RGB: repeated into three channels
        ImageFolderReader.Result r = ImageFolderReader.read(tmp, 0, 0, 0);
        ImageSet s = r.images();
        assertThat(s.channels()).isEqualTo(3);
        assertThat(r.classes()).containsExactly("cats", "dogs");
        assertThat(r.labels()).containsExactly(0, 1, 1);
        int plane = 6;
        // pixel (x 2, y 1) of the first image: R = 2, G = 1, B = 3
        assertThat(new int[] {s.pixels()[5] & 0xff, s.pixels()[plane + 5] & 0xff, s.pixels()[2 * plane + 5] & 0xff})
                .containsExactly(2, 1, 3);
        assertThat(ImageFolderReader.read(tmp, 0, 1, 0).images().channels()).isEqualTo(1);
    }

    @Test
    void mixedSizesAreRefusedUnlessResized() throws Exception {
        image(tmp.resolve("a.png"), 28, 28, false);
        image(tmp.resolve("b.png"), 40, 32, false);
        assertThatThrownBy(() -> ImageFolderReader.read(tmp, 0, 0, 0))
                .isInstanceOfSatisfying(JganException.class, e -> assertThat(e.exitCode()).isEqualTo(JganException.BAD_DATA))
                .hasMessageContaining("different sizes").hasMessageContaining("28x28").hasMessageContaining("40x32")
                .hasMessageContaining("--image-size");
        ImageSet s = ImageFolderReader.read(tmp, 16, 0, 0).images();
        assertThat(new int[] {s.count(), s.rows(), s.cols()}).containsExactly(2, 16, 16);
    }

    @Test
    void corruptAndMissingFilesAreCleanErrors() throws Exception {
        image(tmp.resolve("a.png"), 4, 4, false);
        Files.write(tmp.resolve("b.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        assertThatThrownBy(() -> ImageFolderReader.read(tmp, 0, 0, 0))
                .isInstanceOf(JganException.class).hasMessageContaining("b.png");
        assertThatThrownBy(() -> ImageFolderReader.read(tmp.resolve("nothing"), 0, 0, 0))
                .isInstanceOf(JganException.class).hasMessageContaining("no images");
    }
}
