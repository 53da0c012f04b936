package org.rnnservice;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The house rules of DESIGN.md section 2, enforced on the compiled classes. */
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
                        "org.rnnservice.web..")
                .check(CLASSES);
    }

    @Test
    void onlyTheSimdPackageTouchesTheVectorApi() {
        noClasses().that().resideOutsideOfPackage("org.rnnservice.engine.simd..")
                .should().dependOnClassesThat().resideInAPackage("jdk.incubator.vector..")
                .check(CLASSES);
    }
}
