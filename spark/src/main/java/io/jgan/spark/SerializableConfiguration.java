package io.jgan.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;

/** A Hadoop configuration that travels to the executors (Hadoop's own class is not Serializable). */
public final class SerializableConfiguration implements Serializable {

    private static final long serialVersionUID = 1L;

    private transient Configuration conf;

    SerializableConfiguration(Configuration conf) {
        this.conf = conf;
    }

    /**
     * Wraps a configuration.
     *
     * @param conf Hadoop's configuration
     * @return it, serializable
     */
    public static SerializableConfiguration of(Configuration conf) {
        return new SerializableConfiguration(conf);
    }

    /** @return the configuration */
    public Configuration get() {
        return conf;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        conf.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        conf = new Configuration(false);
        conf.readFields(in);
    }
}
