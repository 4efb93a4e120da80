package io.jgan.engine;

import io.jgan.JganException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;

/**
 * The ranks of a data-parallel job, joined through libtorch's c10d: a {@code TCPStore} at the
 * master's address for the rendezvous (rank 0 serves it) and a Gloo process group for the
 * collectives, as {@code torch.distributed.init_process_group("gloo")} does.
 *
 * <p>Before the group is made, every rank puts a description of its settings into the store and
 * compares it with rank 0's: a rank started with another world size, model or recipe stops with
 * one line saying which, instead of hanging in a rendezvous that cannot complete.
 *
 * <p>Failures: a rank that dies closes its connections, and the others' next collective fails at
 * once; a rank that hangs is given up on after the time-out. Both end as a {@link JganException}
 * naming this rank, so no rank waits forever.
 */
public final class ProcessGroup implements AutoCloseable {

    /**
     * Where and who: the torchrun variables.
     *
     * @param masterAddress rank 0's host (MASTER_ADDR)
     * @param masterPort the store's port on it (MASTER_PORT)
     * @param rank this process's rank, 0 .. worldSize - 1 (RANK)
     * @param worldSize processes in the job (WORLD_SIZE)
     * @param timeout how long the rendezvous and any one collective may take
     */
    public record Rendezvous(String masterAddress, int masterPort, int rank, int worldSize, Duration timeout) {

        /** @throws JganException for a rank outside the world or a bad port */
        public Rendezvous {
            if (worldSize < 1) {
                throw new JganException(JganException.USAGE, "the world size must be at least 1, got " + worldSize);
            }
            if (rank < 0 || rank >= worldSize) {
                throw new JganException(JganException.USAGE, "rank " + rank + " is outside a world of " + worldSize
                        + " (ranks 0 to " + (worldSize - 1) + ")");
            }
            if (masterPort < 1 || masterPort > 65535) {
                throw new JganException(JganException.USAGE, "the master port must be 1 to 65535, got " + masterPort);
            }
        }

        /** @return ADDR:PORT */
        public String master() {
            return masterAddress + ":" + masterPort;
        }
    }

    private final Rendezvous where;
    private final TCPStore store;
    private final ProcessGroupGloo gloo;

    private ProcessGroup(Rendezvous where, TCPStore store, ProcessGroupGloo gloo) {
        this.where = where;
        this.store = store;
        this.gloo = gloo;
    }

    /**
     * Joins the job: the store, the settings check, then the Gloo group.
     *
     * @param where the rendezvous
     * @param settings what must be the same on every rank (world size, model, recipe ...), one
     *     {@code name=value} per line
     * @return the group
     * @throws JganException for a port in use, an unreachable master, or settings that differ from
     *     rank 0's
     */
    public static ProcessGroup join(Rendezvous where, String settings) {
        Natives.load();
        TCPStore store = Scope.keep(openStore(where));
        try {
            compareSettings(store, where, settings);
            ProcessGroupGloo.Options options = ProcessGroupGloo.Options.create(millis(where.timeout()));
            options.devices(new GlooDeviceVector(device(where)));
            ProcessGroupGloo gloo;
            try {
                gloo = Scope.keep(new ProcessGroupGloo(store, where.rank(), where.worldSize(), options));
            } catch (RuntimeException e) {
                throw new JganException(JganException.USAGE, "rank " + where.rank() + ": the ranks met at "
                        + where.master() + " but could not connect to each other (" + firstLine(e) + "): check that"
                        + " every node can reach the others on any port, or set the interface's host name");
            }
            return new ProcessGroup(where, store, gloo);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * The network interface the ranks talk over: GLOO_SOCKET_IFNAME's (as PyTorch reads it), else
     * loopback for a one-machine job, else the address this machine's host name resolves to.
     */
    private static org.bytedeco.pytorch.gloo.Device device(Rendezvous where) {
        String iface = System.getenv("GLOO_SOCKET_IFNAME");
        try {
            if (iface != null && !iface.isBlank()) {
                return ProcessGroupGloo.createDeviceForInterface(iface.trim());
            }
            return ProcessGroupGloo.createDeviceForHostname(isLoopback(where.masterAddress()) ? "127.0.0.1" : hostName());
        } catch (RuntimeException e) {
            throw new JganException(JganException.USAGE, "rank " + where.rank() + ": no network interface to reach the"
                    + " other ranks (" + firstLine(e) + "): set GLOO_SOCKET_IFNAME to the interface, e.g. eth0");
        }
    }

    private static TCPStore openStore(Rendezvous where) {
        TCPStoreOptions o = new TCPStoreOptions();
        o.port((short) where.masterPort());
        o.isServer(where.rank() == 0);
        o.numWorkers(new SizeTPointer(1).put(where.worldSize()));
        o.waitWorkers(false); // the settings check below waits, with a message if a rank never comes
        o.timeout(millis(where.timeout()));
        o.useLibUV(false);
        try {
            return new TCPStore(where.masterAddress(), o);
        } catch (RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            if (where.rank() == 0 && (m.contains("in use") || m.contains("EADDRINUSE"))) {
                throw new JganException(JganException.USAGE, "port " + where.masterPort() + " on " + where.masterAddress()
                        + " is in use: pick a free one (--master ADDR:PORT, or MASTER_PORT)");
            }
            if (where.rank() == 0) {
                throw new JganException(JganException.USAGE, "rank 0 cannot serve the rendezvous at " + where.master()
                        + " (" + firstLine(e) + "): MASTER_ADDR must be an address of rank 0's own machine");
            }
            throw new JganException(JganException.USAGE, "rank " + where.rank() + " cannot reach the master at "
                    + where.master() + " within " + where.timeout().toSeconds() + " s (" + firstLine(e) + "): check"
                    + " that rank 0 is running and that the address and port are right and reachable");
        }
    }

    /**
     * Every rank publishes its settings; each compares with rank 0's, and rank 0 with every rank's.
     * A rank other than 0 acknowledges that it has read rank 0's settings; rank 0, which serves
     * the store, waits for those acknowledgements before it stops over a difference, so that the
     * others can still read what it published and name the difference too (stopping at once left
     * them a closed connection and a wrong "did not join", seen on a busy machine).
     */
    private static void compareSettings(TCPStore store, Rendezvous where, String settings) {
        store.set("jgan/settings/" + where.rank(), settings);
        List<Integer> others = new ArrayList<>();
        if (where.rank() == 0) {
            for (int r = 1; r < where.worldSize(); r++) {
                others.add(r);
            }
        } else {
            others.add(0);
        }
        for (int r : others) {
            String key = "jgan/settings/" + r;
            try {
                store._wait(new StringVector(key), millis(where.timeout()));
            } catch (RuntimeException e) {
                throw new JganException(JganException.USAGE, "rank " + where.rank() + ": rank " + r + " did not join"
                        + " the job at " + where.master() + " within " + where.timeout().toSeconds() + " s: start all "
                        + where.worldSize() + " ranks (or fix the world size)");
            }
            String theirs = store.get_to_str(key);
            if (where.rank() != 0) {
                store.set("jgan/settings-read/" + where.rank(), "1");
            }
            if (!theirs.equals(settings)) {
                if (where.rank() == 0) {
                    awaitReaders(store, r);
                }
                throw new JganException(JganException.USAGE, "rank " + where.rank() + " and rank " + r + " were started"
                        + " with different settings (" + difference(settings, theirs) + "): start every rank with the"
                        + " same command");
            }
        }
    }

    /** Rank 0, about to stop: gives ranks 1..last up to 10 s each to read its settings. */
    private static void awaitReaders(TCPStore store, int last) {
        for (int r = 1; r <= last; r++) {
            try {
                store._wait(new StringVector("jgan/settings-read/" + r), millis(Duration.ofSeconds(10)));
            } catch (RuntimeException e) {
                return; // that rank is gone or stuck: it will time out on its own
            }
        }
    }

    /** @return the first differing line of two settings texts, as "mine vs theirs" */
    static String difference(String mine, String theirs) {
        String[] a = mine.split("\n");
        String[] b = theirs.split("\n");
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "(none)";
            String y = i < b.length ? b[i] : "(none)";
            if (!x.equals(y)) {
                return "here " + x + ", there " + y;
            }
        }
        return "same lines, other order";
    }

    /** @return this process's rank */
    public int rank() {
        return where.rank();
    }

    /** @return the number of ranks */
    public int size() {
        return where.worldSize();
    }

    /** An all-reduce under way; {@link #await} it before reading the tensor. */
    public final class Pending {
        private final Work work;

        private Pending(Work work) {
            this.work = work;
        }

        /** Waits for the all-reduce; the tensor then holds the sum. */
        public void await() {
            try {
                work._wait();
            } catch (RuntimeException e) {
                throw lost(e);
            } finally {
                work.close();
            }
        }
    }

    /**
     * Starts summing a tensor over the ranks, in place; Gloo's threads do the work while the
     * caller goes on.
     *
     * @param t a contiguous tensor, the same shape on every rank
     * @return the work, to await
     */
    public Pending sumAsync(Tensor t) {
        return new Pending(allreduce(t, ReduceOp.RedOpType.SUM));
    }

    /**
     * Sums a tensor over the ranks, in place.
     *
     * @param t a contiguous tensor, the same shape on every rank
     */
    public void sum(Tensor t) {
        sumAsync(t).await();
    }

    /**
     * Takes the element-wise maximum of a tensor over the ranks, in place.
     *
     * @param t a contiguous tensor, the same shape on every rank
     */
    public void max(Tensor t) {
        new Pending(allreduce(t, ReduceOp.RedOpType.MAX)).await();
    }

    private Work allreduce(Tensor t, ReduceOp.RedOpType op) {
        AllreduceOptions o = new AllreduceOptions();
        o.reduceOp(new ReduceOp(op));
        try {
            return gloo.allreduce(new TensorVector(t), o);
        } catch (RuntimeException e) {
            throw lost(e);
        }
    }

    /** A collective failed: a peer died, hung past the time-out, or the network went. */
    private JganException lost(RuntimeException e) {
        String m = firstLine(e);
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        String why = lower.contains("timed out") || lower.contains("timeout") // Gloo: "Application timeout ..."
                ? "another rank did not answer within " + where.timeout().toSeconds() + " s"
                : "lost contact with another rank, which probably stopped";
        return new JganException(JganException.RANK_LOST, "rank " + where.rank() + " of " + where.worldSize() + ": " + why
                + " (" + m + "); the job stops here, and its last checkpoint is kept");
    }

    private static String firstLine(RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        int src = m.lastIndexOf("] "); // "[/home/runner/.../pair.cc:547] Connection closed by peer ..."
        return src >= 0 && m.startsWith("[") ? m.substring(src + 2) : m;
    }

    private static Milliseconds millis(Duration d) {
        return new Milliseconds(d.toMillis());
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    @Override
    public void close() {
        gloo.close();
        store.close();
    }
}
