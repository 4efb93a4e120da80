package io.jgan.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.jgan.JganException;
import io.jgan.config.ModelConfig;
import io.jgan.config.PixelRange;
import io.jgan.engine.ProcessGroup;
import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.model.Family;
import io.jgan.model.Network;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Two ranks of a data-parallel job as two threads of this JVM (Gloo does not mind): the shard
 * arithmetic, the sum of gradients over the ranks, and the start-up weight check, against
 * hand-computed values.
 */
class DataParallelInProcessTest {

    /** Runs one task per rank, each in its own thread with its own joined group. */
    private interface RankTask<T> {
        T run(DataParallel dp) throws Exception;
    }

    private static <T> List<T> onTwoRanks(RankTask<T> task) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<T>> results = new ArrayList<>();
            for (int rank = 0; rank < 2; rank++) {
                int r = rank;
                results.add(pool.submit(() -> {
                    ProcessGroup.Rendezvous where = new ProcessGroup.Rendezvous("127.0.0.1", port, r, 2,
                            Duration.ofSeconds(20));
                    try (DataParallel dp = DataParallel.over(ProcessGroup.join(where, "test"), 1 << 20);
                            Scope s = Scope.open()) {
                        return task.run(dp);
                    }
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : results) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ranksTakeTheirRowsAndSumWeightedScalarsToTheGlobalMean() throws Exception {
        List<float[]> got = onTwoRanks(dp -> {
            // a global batch of 5 rows: rank 0 rows 0-1, rank 1 rows 2-4
            Tensor global = Torch.tensor(new float[] {1, 2, 3, 4, 5}, 5, 1);
            Tensor mine = dp.local(global);
            Tensor mean = mine.mean(); // rank 0: 1.5, rank 1: 4
            float[] rows = Torch.floats(mine);
            float[] sum = dp.sum(dp.weighted(mean.reshape(1), 5)); // 1.5 * 2/5 + 4 * 3/5 = 3
            return new float[] {rows.length, rows[0], sum[0], dp.maxOver(dp.rank() == 1 ? 7 : 2)};
        });
        assertThat(got.get(0)).containsExactly(2f, 1f, 3f, 7f);
        assertThat(got.get(1)).containsExactly(3f, 3f, 3f, 7f);
    }

    @Test
    void differentWeightsOnTheRanksStopBothWithAMessage() throws Exception {
        ModelConfig m = new ModelConfig("mlp", 4, 1, 2, 2, PixelRange.SYMMETRIC, 0);
        Family family = Family.of(m);
        List<Network> nets = new ArrayList<>();
        for (int seed : new int[] {1, 1, 2}) { // rank 0 and a rank 1 alike, and a rank 1 unlike
            Torch.seed(seed);
            nets.add(family.newGenerator("generator", m));
        }
        try {
            List<String> same = onTwoRanks(dp -> {
                dp.checkSameWeights(List.of(nets.get(dp.rank())));
                return "ok";
            });
            assertThat(same).containsExactly("ok", "ok");
            List<String> differ = onTwoRanks(dp -> {
                try {
                    dp.checkSameWeights(List.of(nets.get(dp.rank() == 0 ? 0 : 2)));
                    return "ok";
                } catch (JganException e) {
                    return e.getMessage();
                }
            });
            assertThat(differ.get(0)).startsWith("rank 0: the ranks do not hold the same G and D at the start");
            assertThat(differ.get(1)).startsWith("rank 1: the ranks do not hold the same G and D at the start");
        } finally {
            nets.forEach(Network::close);
        }
    }
}
