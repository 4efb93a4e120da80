package io.jgan.eval;

import io.jgan.JganException;
import io.jgan.checkpoint.TensorFile;
import io.jgan.format.Json;
import io.jgan.format.NamedTensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A domain classifier with the reference statistics of its real data: {@code classifier.json},
 * {@code classifier.tensors} (weights) and {@code reference.tensors} ({@code mu} (128),
 * {@code sigma} (128, 128), {@code features} (R, 128)). The JSON holds the SHA-256 of both tensor
 * files, so statistics computed with other weights, or another domain's, are refused.
 */
public final class ClassifierBundle implements AutoCloseable {

    /** Domains shipped inside jgan. */
    public static final List<String> DOMAINS = List.of("mnist", "fashion");

    static final String RESOURCES = "/io/jgan/eval/";

    private final ClassifierInfo info;
    private final DomainClassifier classifier;
    private final double[] mu;
    private final double[][] sigma;
    private final float[] referenceFeatures;
    private final String source;

    private ClassifierBundle(ClassifierInfo info, DomainClassifier classifier, double[] mu, double[][] sigma,
            float[] referenceFeatures, String source) {
        this.info = info;
        this.classifier = classifier;
        this.mu = mu;
        this.sigma = sigma;
        this.referenceFeatures = referenceFeatures;
        this.source = source;
    }

    /**
     * Loads a shipped domain's classifier.
     *
     * @param domain {@code mnist} or {@code fashion}
     * @return the bundle
     */
    public static ClassifierBundle shipped(String domain) {
        if (!DOMAINS.contains(domain)) {
            throw new JganException(JganException.USAGE,
                    "unknown domain '" + domain + "': use one of " + String.join(", ", DOMAINS));
        }
        try {
            byte[] json = resource(domain, "classifier.json");
            byte[] weights = resource(domain, "classifier.tensors");
            byte[] reference = resource(domain, "reference.tensors");
            return load(json, weights, reference, "jgan's " + domain + " classifier");
        } catch (IOException e) {
            throw new IllegalStateException("the " + domain + " classifier is missing from the jar", e);
        }
    }

    /**
     * Reads only a shipped domain's {@code classifier.json}: what it is, without building the
     * network or hashing its tensors (enough to recognise a data set by its fingerprint).
     *
     * @param domain one of {@link #DOMAINS}
     * @return its description
     */
    public static ClassifierInfo shippedInfo(String domain) {
        try {
            return Json.MAPPER.readValue(resource(domain, "classifier.json"), ClassifierInfo.class);
        } catch (IOException e) {
            throw new IllegalStateException("the " + domain + " classifier is missing from the jar", e);
        }
    }

    /**
     * Loads a classifier folder (as {@code jgan classifier} writes it).
     *
     * @param dir the folder
     * @return the bundle
     */
    public static ClassifierBundle load(Path dir) {
        try {
            return load(Files.readAllBytes(dir.resolve("classifier.json")),
                    Files.readAllBytes(dir.resolve("classifier.tensors")),
                    Files.readAllBytes(dir.resolve("reference.tensors")), dir.toString());
        } catch (IOException e) {
            throw new JganException(JganException.BAD_CHECKPOINT, "cannot read classifier " + dir + ": " + e.getMessage()
                    + " (a classifier folder holds classifier.json, classifier.tensors and reference.tensors)");
        }
    }

    /**
     * Loads a classifier from its three files' bytes (Spark ships them to the executors so).
     *
     * @param json classifier.json
     * @param weights classifier.tensors
     * @param reference reference.tensors
     * @param source where they came from, for messages and the report
     * @return the bundle
     */
    public static ClassifierBundle load(byte[] json, byte[] weights, byte[] reference, String source) {
        ClassifierInfo info;
        try {
            info = Json.MAPPER.readValue(json, ClassifierInfo.class);
        } catch (IOException e) {
            throw bad(source, "unreadable classifier.json: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (info == null || !ClassifierInfo.FORMAT.equals(info.format()) || info.formatVersion() != ClassifierInfo.FORMAT_VERSION) {
            throw bad(source, "classifier.json is not a version " + ClassifierInfo.FORMAT_VERSION + " jgan classifier");
        }
        if (!DomainClassifier.ARCHITECTURE.equals(info.architecture()) || info.featureDim() != DomainClassifier.FEATURES
                || info.classes() == null || info.classes().isEmpty()) {
            throw bad(source, "classifier.json describes " + info.architecture() + " with " + info.featureDim()
                    + " features; this jgan has " + DomainClassifier.ARCHITECTURE);
        }
        if (!DomainClassifier.sha256(weights).equals(info.weightsSha256())) {
            throw bad(source, "classifier.tensors is not the file classifier.json was written for (SHA-256 differs):"
                    + " the weights and the reference statistics would not match");
        }
        if (!DomainClassifier.sha256(reference).equals(info.referenceSha256())) {
            throw bad(source, "reference.tensors is not the file classifier.json was written for (SHA-256 differs):"
                    + " reference statistics from other weights or another domain would make every score lie");
        }
        List<NamedTensor> ref = TensorFile.read(reference, Path.of("reference.tensors"));
        int d = info.featureDim();
        NamedTensor muT = find(ref, "mu", source);
        NamedTensor sigmaT = find(ref, "sigma", source);
        NamedTensor featT = find(ref, "features", source);
        if (muT.data().length != d || sigmaT.data().length != d * d || featT.shape().length != 2
                || featT.shape()[1] != d) {
            throw bad(source, "reference statistics have the wrong shape for " + d + " features");
        }
        double[] mu = new double[d];
        double[][] sigma = new double[d][d];
        for (int i = 0; i < d; i++) {
            mu[i] = muT.data()[i];
            for (int j = 0; j < d; j++) {
                sigma[i][j] = sigmaT.data()[i * d + j];
            }
        }
        DomainClassifier c = DomainClassifier.load(TensorFile.read(weights, Path.of("classifier.tensors")), info.classes().size(),
                info.channels(), info.side());
        return new ClassifierBundle(info, c, mu, sigma, featT.data(), source);
    }

    private static NamedTensor find(List<NamedTensor> tensors, String name, String source) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> bad(source, "reference.tensors has no '" + name + "'"));
    }

    private static JganException bad(String source, String what) {
        return new JganException(JganException.BAD_CHECKPOINT, "classifier " + source + ": " + what);
    }

    private static byte[] resource(String domain, String name) throws IOException {
        InputStream in = ClassifierBundle.class.getResourceAsStream(RESOURCES + domain + "/" + name);
        if (in == null) {
            throw new IOException(RESOURCES + domain + "/" + name + " not found");
        }
        return DomainClassifier.readAll(in);
    }

    /** @return what the classifier is */
    public ClassifierInfo info() {
        return info;
    }

    /** @return the network */
    public DomainClassifier classifier() {
        return classifier;
    }

    /** @return the reference features' mean (128) */
    public double[] mu() {
        return mu;
    }

    /** @return the reference features' covariance (128, 128) */
    public double[][] sigma() {
        return sigma;
    }

    /** @return kept reference features (R, 128) row-major */
    public float[] referenceFeatures() {
        return referenceFeatures;
    }

    /** @return where it was loaded from */
    public String source() {
        return source;
    }

    @Override
    public void close() {
        classifier.close();
    }
}
