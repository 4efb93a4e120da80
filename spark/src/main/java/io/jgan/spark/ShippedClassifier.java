package io.jgan.spark;

import io.jgan.JganException;
import io.jgan.engine.Natives;
import io.jgan.eval.ClassifierBundle;
import io.jgan.eval.ClassifierInfo;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The quality classifier that Spark's evaluator runs on the executors: a domain that ships inside
 * jgan's jar (read there from the jar), or a folder of the user's ({@code jgan classifier}),
 * whose three files travel as bytes.
 */
public final class ShippedClassifier implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String domain;
    private final byte[] json;
    private final byte[] weights;
    private final byte[] reference;
    private final String source;
    /** What it is, read by the load that checked it on the driver (not shipped). */
    private final transient ClassifierInfo info;

    private ShippedClassifier(String domain, byte[] json, byte[] weights, byte[] reference, String source,
            ClassifierInfo info) {
        this.domain = domain;
        this.json = json;
        this.weights = weights;
        this.reference = reference;
        this.source = source;
        this.info = info;
    }

    /**
     * A shipped domain's classifier ({@code mnist}, {@code fashion}).
     *
     * @param domain the domain
     * @return the classifier
     * @throws JganException (usage) for a domain jgan has no classifier of
     */
    public static ShippedClassifier domain(String domain) {
        try (ClassifierBundle checked = ClassifierBundle.shipped(domain)) { // checks the name, on the driver
            return new ShippedClassifier(domain, null, null, null, "jgan's " + domain + " classifier", checked.info());
        }
    }

    /**
     * A classifier folder of the user's, read on the driver.
     *
     * @param dir the folder {@code jgan classifier} wrote
     * @return the classifier
     * @throws JganException (bad checkpoint) when the folder is not a classifier
     */
    public static ShippedClassifier folder(Path dir) {
        try (ClassifierBundle checked = ClassifierBundle.load(dir)) { // every check the core makes, before any task
            return new ShippedClassifier(null, Files.readAllBytes(dir.resolve("classifier.json")),
                    Files.readAllBytes(dir.resolve("classifier.tensors")),
                    Files.readAllBytes(dir.resolve("reference.tensors")), dir.toString(), checked.info());
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot read classifier " + dir + ": " + e.getMessage());
        }
    }

    /** @return the bundle, loaded where this runs; close it */
    public ClassifierBundle load() {
        Natives.load();
        return domain != null ? ClassifierBundle.shipped(domain) : ClassifierBundle.load(json, weights, reference, source);
    }

    /** @return what it is (on the driver, where it was checked) */
    public ClassifierInfo info() {
        return info;
    }
}
