package io.jgan.spark;

import io.jgan.JganException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** An output folder on any file system Hadoop reaches, checked on the driver before any task. */
public final class OutputFolder {

    private OutputFolder() {}

    /**
     * Makes the folder, or accepts it when it exists and is empty.
     *
     * @param out a path or URI
     * @param conf Hadoop's configuration (Spark's)
     * @return its file system
     * @throws JganException (usage) when it holds files, (io) when it cannot be made
     */
    public static FileSystem prepare(String out, Configuration conf) {
        Path dir = new Path(out);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (fs.exists(dir)) {
                FileStatus st = fs.getFileStatus(dir);
                if (!st.isDirectory()) {
                    throw new JganException(JganException.USAGE, out + " is a file: give a new folder for the output");
                }
                if (fs.listStatus(dir).length > 0) {
                    throw new JganException(JganException.USAGE, out + " already holds files: give a new or empty folder"
                            + " (nothing was written)");
                }
            }
            if (!fs.mkdirs(dir)) {
                throw new JganException(JganException.IO, "cannot write " + out + ": the folder cannot be made");
            }
            // a probe file: a folder we may make but not write into is caught here, not in a task
            Path probe = new Path(dir, ".jgan-probe");
            fs.create(probe, true).close();
            fs.delete(probe, false);
            return fs;
        } catch (IOException e) {
            throw new JganException(JganException.IO, "cannot write " + out + ": " + e.getMessage());
        }
    }
}
