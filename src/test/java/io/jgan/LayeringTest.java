package io.jgan;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package layering the README's layout describes, checked on the compiled classes: no package
 * depends on itself through another, the training core knows nothing of evaluation or the CLI, and
 * sampling a checkpoint needs nothing of training.
 */
class LayeringTest {

    private static final JavaClasses JGAN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.jgan");

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.jgan.(*)..").should().beFreeOfCycles().check(JGAN);
    }

    @Test
    void trainingKnowsNothingOfEvaluationOrTheCommands() {
        noClasses().that().resideInAnyPackage("io.jgan.train..", "io.jgan.model..", "io.jgan.loss..", "io.jgan.optim..",
                "io.jgan.engine..").should().dependOnClassesThat()
                .resideInAnyPackage("io.jgan.eval..", "io.jgan.cli..", "io.jgan.bench..", "io.jgan.sample..").check(JGAN);
    }

    @Test
    void samplingNeedsNothingOfTraining() {
        noClasses().that().resideInAPackage("io.jgan.sample..").should().dependOnClassesThat()
                .resideInAnyPackage("io.jgan.train..", "io.jgan.optim..", "io.jgan.loss..").check(JGAN);
    }
}
