package io.jgan.spark.cli;

import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** Where the job runs: {@code --master}, unless spark-submit has said so. */
public final class SparkOptions {

    @Option(names = "--master", paramLabel = "URL", description = "Spark master: local[N] runs here on N cores"
            + " (default: spark-submit's --master, else local[*])")
    String master;

    /**
     * The session: an existing one (tests, notebooks), or a new one for this job.
     *
     * @param app the job's name
     * @return the session
     */
    SparkSession session(String app) {
        SparkSession.Builder b = SparkSession.builder().appName("jgan " + app);
        if (master != null) {
            b.master(master);
        } else if (System.getProperty("spark.master") == null) {
            b.master("local[*]");
        }
        return b.getOrCreate();
    }
}
