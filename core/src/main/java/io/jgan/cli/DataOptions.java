package io.jgan.cli;

import io.jgan.config.DataConfig;
import io.jgan.model.Family;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of {@code jgan train} that say what it trains on: a {@link DataConfig}. */
public final class DataOptions {

    @Option(names = "--data", paramLabel = "DIR",
            description = "folder with MNIST-layout IDX files (train-images-idx3-ubyte[.gz]) or PNG/JPEG images"
                    + " (class subfolders give labels); default: the embedded digits")
    Path data;

    @Option(names = "--image-size", paramLabel = "N",
            description = "image folders: resize (shorter side) and centre-crop every image to NxN (default: keep; sizes must agree)")
    int imageSize;

    @Option(names = "--channels", paramLabel = "C", description = "image folders: 1 (gray) or 3 (RGB) (default: 1 if all are gray)")
    int channels;

    @Option(names = "--limit", paramLabel = "N", description = "use only the first N samples (0 = all)")
    int limit;

    @Option(names = "--direction", paramLabel = "AtoB|BtoA",
            description = "pix2pix, side-by-side pairs: translate the left half to the right (AtoB, default) or back")
    String direction = DataConfig.A_TO_B;

    /**
     * The data config these options give.
     *
     * @param family the model family (image-to-image families read pairs)
     * @return the config, not yet validated
     */
    DataConfig config(Family family) {
        String source = data != null ? data.toAbsolutePath().normalize().toString() : DataConfig.EMBEDDED;
        return family.imageToImage() ? DataConfig.pairs(source, limit, channels, direction)
                : DataConfig.images(source, limit, imageSize, channels);
    }
}
