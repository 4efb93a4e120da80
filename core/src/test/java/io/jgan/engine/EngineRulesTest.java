package io.jgan.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.BaseStream;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.junit.jupiter.api.Test;

/**
 * The engine rules, checked on jgan's compiled classes (not its tests): the {@code engine} package
 * is the one place that knows the binding's sharp edges.
 * <ol>
 *   <li>no view of a tensor's memory ({@code data_ptr}) outside {@link HostTensors} and {@link Torch}:
 *       a view is only right for a contiguous float32 CPU tensor, which they check;
 *   <li>no {@code PointerScope} outside {@link Scope}, and no {@code Loader} outside
 *       {@link Natives}: lifetimes and native loading each have one owner;
 *   <li>no parallel streams or common pool: host loops over engine memory run on
 *       {@link HostWorkers}.
 * </ol>
 * Each rule is also run on a class that breaks it, so that a rule which matches nothing fails here.
 */
class EngineRulesTest {

    private static final JavaClasses JGAN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.jgan");

    private static final JavaClasses BREAKER = new ClassFileImporter().importClasses(RuleBreaker.class);

    static final DescribedPredicate<JavaMethodCall> MEMORY_VIEW = DescribedPredicate.describe(
            "a view of a tensor's memory", call -> call.getTarget().getOwner().isAssignableTo(TensorBase.class)
                    && call.getTarget().getName().startsWith("data_ptr"));

    static final DescribedPredicate<JavaConstructorCall> NEW_SCOPE = DescribedPredicate.describe(
            "a new PointerScope", call -> call.getTarget().getOwner().isEquivalentTo(PointerScope.class));

    static final DescribedPredicate<JavaMethodCall> LOADER = DescribedPredicate.describe(
            "JavaCPP's Loader", call -> call.getTarget().getOwner().isEquivalentTo(Loader.class));

    static final DescribedPredicate<JavaMethodCall> SHARED_POOL = DescribedPredicate.describe(
            "a parallel stream or the common pool", call ->
                    (call.getTarget().getOwner().isAssignableTo(BaseStream.class)
                            && call.getTarget().getName().equals("parallel"))
                    || call.getTarget().getName().equals("parallelStream")
                    || (call.getTarget().getOwner().isEquivalentTo(ForkJoinPool.class)
                            && call.getTarget().getName().equals("commonPool")));

    static final ArchRule NO_MEMORY_VIEWS = noClasses().that().doNotHaveFullyQualifiedName(HostTensors.class.getName())
            .and().doNotHaveFullyQualifiedName(Torch.class.getName()).should().callMethodWhere(MEMORY_VIEW)
            .because("a view of a non-contiguous, non-float32 or CUDA tensor reads the wrong memory:"
                    + " use io.jgan.engine.HostTensors or Torch.floats");

    static final ArchRule ONE_OWNER_OF_LIFETIMES = noClasses().that().doNotHaveFullyQualifiedName(Scope.class.getName())
            .should().callConstructorWhere(NEW_SCOPE)
            .orShould().callMethodWhere(LOADER.and(DescribedPredicate.describe("outside Natives", c ->
                    !c.getOriginOwner().getFullName().equals(Natives.class.getName()))))
            .because("tensors live in io.jgan.engine.Scope, and natives are unpacked once by io.jgan.engine.Natives");

    static final ArchRule NO_SHARED_POOL = noClasses().should().callMethodWhere(SHARED_POOL)
            .because("host loops over engine memory run on io.jgan.engine.HostWorkers");

    @Test
    void jganFollowsTheEngineRules() {
        NO_MEMORY_VIEWS.check(JGAN);
        ONE_OWNER_OF_LIFETIMES.check(JGAN);
        NO_SHARED_POOL.check(JGAN);
    }

    @Test
    void eachRuleCatchesAClassThatBreaksIt() {
        assertThat(NO_MEMORY_VIEWS.evaluate(BREAKER).getFailureReport().getDetails())
                .anyMatch(d -> d.contains("RuleBreaker.view") && d.contains("data_ptr"));
        assertThat(ONE_OWNER_OF_LIFETIMES.evaluate(BREAKER).getFailureReport().getDetails())
                .anyMatch(d -> d.contains("RuleBreaker.scoped") && d.contains("PointerScope"))
                .anyMatch(d -> d.contains("RuleBreaker.load") && d.contains("Loader"));
        assertThat(NO_SHARED_POOL.evaluate(BREAKER).getFailureReport().getDetails())
                .anyMatch(d -> d.contains("RuleBreaker.spread") && d.contains("parallel()"));
    }

    /** Each method breaks one rule. */
    @SuppressWarnings("unused")
    static final class RuleBreaker {
        float view(Tensor x) {
            return new FloatPointer(x.data_ptr()).get(0);
        }

        void scoped() {
            try (PointerScope s = new PointerScope()) {
                s.close();
            }
        }

        String load() {
            return Loader.getPlatform();
        }

        long spread() {
            return IntStream.range(0, 10).parallel().count();
        }
    }
}
