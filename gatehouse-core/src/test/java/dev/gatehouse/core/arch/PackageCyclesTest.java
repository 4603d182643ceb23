package dev.gatehouse.core.arch;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Keeps gatehouse-core's packages ({@code dev.gatehouse.core.*}) free of cycles, so each can be
 * read, tested and moved on its own. Main classes only: test fixtures may reach across packages.
 */
final class PackageCyclesTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gatehouse.core");

    @Test
    void corePackages_areFreeOfCycles() {
        slices().matching("dev.gatehouse.core.(*)..").should().beFreeOfCycles().check(CORE);
    }
}
