package org.rnnservice;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package rules that docs/architecture.md describes, enforced on the compiled classes. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.rnnservice");

    @Test
    void engineIsPureJava() {
        noClasses().that().resideInAPackage("org.rnnservice.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "tools.jackson..",
                        "com.fasterxml..", "jakarta..", "io.micrometer..")
                .check(CLASSES);
    }

    @Test
    void engineKnowsNothingOfTheService() {
        noClasses().that().resideInAPackage("org.rnnservice.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.rnnservice.models..",
                        "org.rnnservice.datasets..", "org.rnnservice.jobs..", "org.rnnservice.storage..",
                        "org.rnnservice.web..", "org.rnnservice.keras..", "org.rnnservice.onnx..")
                .check(CLASSES);
    }

    @Test
    void kerasFilesAreALibraryOfTheEngineAlone() {
        noClasses().that().resideInAPackage("org.rnnservice.keras..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.rnnservice.models..",
                        "org.rnnservice.datasets..", "org.rnnservice.jobs..", "org.rnnservice.storage..",
                        "org.rnnservice.web..", "org.rnnservice.errors..")
                .check(CLASSES);
    }

    @Test
    void onnxExportsAreALibraryOfTheEngineAlone() {
        noClasses().that().resideInAPackage("org.rnnservice.onnx..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.rnnservice.models..",
                        "org.rnnservice.datasets..", "org.rnnservice.jobs..", "org.rnnservice.storage..",
                        "org.rnnservice.web..", "org.rnnservice.errors..", "org.rnnservice.keras..")
                .check(CLASSES);
    }

    @Test
    void theJsonStreamReadersKnowNothingOfHttpOrTheFeatures() {
        noClasses().that().resideInAPackage("org.rnnservice.json..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.servlet..",
                        "org.rnnservice.web..", "org.rnnservice.models..", "org.rnnservice.datasets..",
                        "org.rnnservice.jobs..", "org.rnnservice.storage..")
                .check(CLASSES);
    }

    @Test
    void onlyStorageTouchesJdbc() {
        noClasses().that().resideOutsideOfPackage("org.rnnservice.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..",
                        "org.springframework.jdbc..")
                .check(CLASSES);
    }

    @Test
    void onlyTheSimdPackageTouchesTheVectorApi() {
        noClasses().that().resideOutsideOfPackage("org.rnnservice.engine.simd..")
                .should().dependOnClassesThat().resideInAPackage("jdk.incubator.vector..")
                .check(CLASSES);
    }

    @Test
    void onlyTheTimeLoopAppliesAMaskToRecurrentSteps() {
        // the recurrent layers and their cells compute steps; which steps a mask skips is the loop's alone
        noClasses().that().resideInAPackage("org.rnnservice.engine.layers")
                .and().areAssignableTo("org.rnnservice.engine.layers.RecurrentCell")
                .should().callMethod("org.rnnservice.engine.layers.Mask", "kept", "int", "int")
                .orShould().callMethod("org.rnnservice.engine.layers.Mask", "kept")
                .check(CLASSES);
    }

    @Test
    void oneArgumentReader() {
        // typed reads of Keras-style arguments, unknown ones refused by name: engine.layers.Arguments, nowhere else
        noClasses().should().haveSimpleNameEndingWith("ArgumentReader").orShould().haveSimpleName("Args")
                .check(CLASSES);
    }

    @Test
    void enginePackagesHaveNoCycles() {
        slices().matching("org.rnnservice.engine.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("org.rnnservice.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    /**
     * Services refuse requests with the domain's {@code ServiceException}; only the web layer and the controllers
     * speak HTTP statuses, and the mapping from one to the other lives in {@code ProblemHandler}.
     */
    @Test
    void onlyTheWebLayerSpeaksHttpStatuses() {
        noClasses().that().resideOutsideOfPackage("org.rnnservice.web..")
                .and().areNotAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
                .and().areNotAnnotatedWith(org.springframework.web.bind.annotation.RestControllerAdvice.class)
                .should().dependOnClassesThat().haveFullyQualifiedName("org.springframework.http.HttpStatus")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.springframework.http.HttpStatusCode")
                .orShould().dependOnClassesThat()
                .haveFullyQualifiedName("org.springframework.web.server.ResponseStatusException")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.springframework.web.ErrorResponseException")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.springframework.http.ProblemDetail")
                .check(CLASSES);
    }

    @Test
    void servicesThrowNoWebExceptions() {
        noClasses().that().areAnnotatedWith(org.springframework.stereotype.Service.class)
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.http..")
                .check(CLASSES);
    }
}
