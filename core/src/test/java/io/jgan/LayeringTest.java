package io.jgan;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.jgan.train.Game;
import io.jgan.train.Trainer;
import io.jgan.train.TrainingListener;
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

    /**
     * The loop drives; listeners watch a narrow view of the run and steps play one iteration: none
     * of them reaches back into the loop's class (a new family plugs in without touching it).
     */
    @Test
    void listenersAndStepsDoNotReachIntoTheLoop() {
        noClasses().that().implement(TrainingListener.class).or().implement(Game.class)
                .or().haveSimpleNameEndingWith("Step").and().resideOutsideOfPackage("io.jgan.cli..")
                .should().dependOnClassesThat().areAssignableTo(Trainer.class).check(JGAN);
    }

    @Test
    void commandsAndTheServerGoThroughTheLibraryEntries() {
        // the CLI trains through TrainingSession, never by assembling the loop itself
        noClasses().that().resideInAPackage("io.jgan.cli..").should().dependOnClassesThat()
                .areAssignableTo(Game.class).check(JGAN);
    }
}
