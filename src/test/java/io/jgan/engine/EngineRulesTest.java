package io.jgan.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.Buffer;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.BaseStream;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The engine rules, checked on jgan's compiled classes (not its tests), so that no later change
 * can bring the use-after-free or the lost writes back:
 * <ol>
 *   <li>no engine operation with a Java number as an operand outside {@link Scalars} (DJL frees that
 *       number's memory while autograd still holds it: see Scalars);
 *   <li>no {@code NDArray.set(Buffer | array)}, which swaps a tensor's storage for Java memory,
 *       and no view of a tensor's memory, outside {@link HostTensors};
 *   <li>no parallel streams or common pool: host loops over engine memory run on
 *       {@link HostWorkers}.
 * </ol>
 * Each rule is also run on a class that breaks it, so that a rule which matches nothing fails here.
 */
class EngineRulesTest {

    private static final JavaClasses JGAN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.jgan");

    private static final JavaClasses BREAKER = new ClassFileImporter().importClasses(RuleBreaker.class);

    private static boolean engineType(JavaClass owner) {
        return owner.isAssignableTo(NDArray.class) || owner.isAssignableTo(NDManager.class)
                || owner.isEquivalentTo(NDArrays.class);
    }

    /** A method of NDArray, NDManager or NDArrays that turns a Java number into a Java-owned tensor. */
    static final DescribedPredicate<JavaMethodCall> NUMBER_OPERAND = DescribedPredicate.describe(
            "an engine method that takes a Java number as a tensor", call -> {
                if (!engineType(call.getTarget().getOwner())) {
                    return false;
                }
                List<JavaClass> params = call.getTarget().getRawParameterTypes();
                boolean number = params.stream().anyMatch(p -> p.isEquivalentTo(Number.class));
                boolean scalarCreate = call.getTarget().getName().equals("create") && params.size() == 1
                        && params.get(0).isPrimitive();
                return number || scalarCreate;
            });

    /** {@code NDArray.set(Buffer)}, {@code set(float[])} and the like: storage swapped for Java memory. */
    static final DescribedPredicate<JavaMethodCall> STORAGE_SWAP = DescribedPredicate.describe(
            "NDArray.set with Java data", call -> call.getTarget().getOwner().isAssignableTo(NDArray.class)
                    && call.getTarget().getName().equals("set")
                    && call.getTarget().getRawParameterTypes().size() == 1
                    && (call.getTarget().getRawParameterTypes().get(0).isArray()
                            || call.getTarget().getRawParameterTypes().get(0).isAssignableTo(Buffer.class)));

    static final DescribedPredicate<JavaMethodCall> MEMORY_VIEW = DescribedPredicate.describe(
            "a view of a tensor's memory", call -> call.getTarget().getOwner().isEquivalentTo(JniUtils.class)
                    && call.getTarget().getName().equals("getByteBuffer"));

    static final DescribedPredicate<JavaMethodCall> SHARED_POOL = DescribedPredicate.describe(
            "a parallel stream or the common pool", call ->
                    (call.getTarget().getOwner().isAssignableTo(BaseStream.class)
                            && call.getTarget().getName().equals("parallel"))
                    || call.getTarget().getName().equals("parallelStream")
                    || (call.getTarget().getOwner().isEquivalentTo(ForkJoinPool.class)
                            && call.getTarget().getName().equals("commonPool")));

    static final ArchRule NO_NUMBER_OPERANDS = noClasses().that().doNotHaveFullyQualifiedName(Scalars.class.getName())
            .should().callMethodWhere(NUMBER_OPERAND)
            .because("DJL wraps the number in Java memory that the GC may free before backward reads it:"
                    + " use io.jgan.engine.Scalars");

    static final ArchRule NO_JAVA_STORAGE = noClasses().that().doNotHaveFullyQualifiedName(HostTensors.class.getName())
            .should().callMethodWhere(STORAGE_SWAP).orShould().callMethodWhere(MEMORY_VIEW)
            .because("set(Java data) swaps the tensor's storage for Java memory and getByteBuffer copies a"
                    + " non-contiguous tensor: use io.jgan.engine.HostTensors");

    static final ArchRule NO_SHARED_POOL = noClasses().should().callMethodWhere(SHARED_POOL)
            .because("host loops over engine memory run on io.jgan.engine.HostWorkers");

    @Test
    void jganFollowsTheEngineRules() {
        NO_NUMBER_OPERANDS.check(JGAN);
        NO_JAVA_STORAGE.check(JGAN);
        NO_SHARED_POOL.check(JGAN);
    }

    @Test
    void eachRuleCatchesAClassThatBreaksIt() {
        assertThat(NO_NUMBER_OPERANDS.evaluate(BREAKER).getFailureReport().getDetails())
                .anyMatch(d -> d.contains("RuleBreaker.halve") && d.contains("mul(java.lang.Number)"))
                .anyMatch(d -> d.contains("RuleBreaker.scalar") && d.contains("create(float)"));
        assertThat(NO_JAVA_STORAGE.evaluate(BREAKER).getFailureReport().getDetails())
                .anyMatch(d -> d.contains("RuleBreaker.overwrite") && d.contains("set([F)"))
                .anyMatch(d -> d.contains("RuleBreaker.view") && d.contains("getByteBuffer"));
        assertThat(NO_SHARED_POOL.evaluate(BREAKER).getFailureReport().getDetails())
                .anyMatch(d -> d.contains("RuleBreaker.spread") && d.contains("parallel()"));
    }

    /** Each method breaks one rule. */
    @SuppressWarnings("unused")
    static final class RuleBreaker {
        NDArray halve(NDArray x) {
            return x.mul(0.5f);
        }

        NDArray scalar(NDManager m) {
            return m.create(2f);
        }

        void overwrite(NDArray x) {
            x.set(new float[] {1f});
        }

        Object view(ai.djl.pytorch.engine.PtNDArray x) {
            return JniUtils.getByteBuffer(x, true);
        }

        long spread() {
            return IntStream.range(0, 10).parallel().count();
        }
    }
}
