package io.jgan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jgan.engine.Scope;
import io.jgan.engine.Torch;
import io.jgan.format.NamedTensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The projection logit against a hand-computed case: phi the identity on a 2-feature, 1x1 map,
 * psi a whole-map convolution w, and a class embedding E (F x K): D(x, y) = w . x + E[:, y] . x.
 */
class ProjectionDiscriminatorTest {

    @Test
    void theClassEntersAsAnInnerProductWithThePooledFeatures() {
        Block phi = Lambda.reshape(2, 1, 1); // (N, 2) to (N, 2, 1, 1)
        Block psi = new Sequential().add(new WholeMapConv()).add(Lambda.flatten()); // (N, 1)
        try (Network d = new Network("discriminator", new ProjectionDiscriminator(2, 3, phi, psi, 2), 2 + 3);
                Scope s = Scope.open()) {
            assertThat(d.namedParameters().stream().map(Parameter::name))
                    .containsExactly("02SequentialBlock_01WholeMapConv_weight", "03Linear_weight");
            float[] w = {0.5f, -2f};
            float[] e = {1, 2, 3, -1, 0, 4}; // (F=2, K=3): column y is class y's embedding
            d.copyFrom(List.of(new NamedTensor("02SequentialBlock_01WholeMapConv_weight", new long[] {1, 2, 1, 1}, w),
                    new NamedTensor("03Linear_weight", new long[] {2, 3}, e)));
            // x = (3, -1) of class 2, and (1, 1) of class 0
            float[] out = Torch.floats(d.forward(Torch.tensor(new float[] {3, -1, 0, 0, 1, 1, 1, 1, 0, 0}, 2, 5), true));
            double first = 0.5 * 3 - 2 * -1 + (3 * 3 + 4 * -1); // w.x + E[:,2].x = 3.5 + 5
            double second = 0.5 - 2 + (1 * 1 + -1 * 1); // w.x + E[:,0].x = -1.5 + 0
            assertThat(out).containsExactly(new float[] {(float) first, (float) second}, within(1e-5f));
        }
    }
}
