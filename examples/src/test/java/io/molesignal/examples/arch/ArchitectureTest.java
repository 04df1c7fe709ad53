package io.molesignal.examples.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module boundaries of DESIGN.md, checked on the compiled main classes of every module: auth, query and crypto
 * depend on core only and never on each other; nothing reaches into another module's {@code internal} package;
 * core has no HTTP or framework dependency; only core's system ticker reads the clock directly.
 */
class ArchitectureTest {
    static final List<String> MODULES = List.of("core", "auth", "crypto", "query");
    static JavaClasses mainClasses;

    @BeforeAll
    static void importClasses() {
        mainClasses = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("/test-classes/"))
                .importPackages("io.molesignal");
    }

    @Test
    void everyModuleIsOnTheClasspathSoTheRulesAreNotVacuous() {
        for (String m : MODULES) {
            assertThat(mainClasses.stream().anyMatch(c -> c.getPackageName().startsWith("io.molesignal." + m)))
                    .as("classes of molesignal-" + m).isTrue();
        }
        assertThat(mainClasses.stream().noneMatch(c -> c.getPackageName().contains("testing"))).isTrue();
    }

    static ArchRule noDependency(String from, String... to) {
        return noClasses().that().resideInAPackage("io.molesignal." + from + "..")
                .should().dependOnClassesThat().resideInAnyPackage(to).allowEmptyShould(true);
    }

    @Test
    void authQueryAndCryptoDependOnCoreOnly() {
        noDependency("auth", "io.molesignal.query..", "io.molesignal.crypto..", "io.molesignal.examples..")
                .check(mainClasses);
        noDependency("query", "io.molesignal.auth..", "io.molesignal.crypto..", "io.molesignal.examples..")
                .check(mainClasses);
        noDependency("crypto", "io.molesignal.auth..", "io.molesignal.query..", "io.molesignal.examples..")
                .check(mainClasses);
        noDependency("core", "io.molesignal.auth..", "io.molesignal.query..", "io.molesignal.crypto..",
                "io.molesignal.examples..", "io.molesignal.bench..").check(mainClasses);
    }

    @Test
    void nothingReachesIntoAnotherModulesInternalPackage() {
        for (String m : MODULES) {
            noClasses().that().resideOutsideOfPackage("io.molesignal." + m + "..")
                    .should().dependOnClassesThat().resideInAPackage("io.molesignal." + m + ".internal..")
                    .check(mainClasses);
        }
    }

    @Test
    void coreHasNoHttpOrFrameworkDependency() {
        noClasses().that().resideInAPackage("io.molesignal.core..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.servlet..", "javax.servlet..",
                        "org.eclipse.jetty..", "io.javalin..", "org.springframework..", "picocli..")
                .check(mainClasses);
    }

    static ArchRule timeRule() {
        return noClasses().that().doNotHaveFullyQualifiedName("io.molesignal.core.SystemTicker")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Instant.class, "now");
    }

    @Test
    void onlyTheSystemTickerReadsTheClockDirectly() {
        timeRule().check(mainClasses);
    }

    /** A class that breaks the time rule, to show the rule can fail. */
    static final class ReadsTheClock {
        long now() {
            return System.currentTimeMillis() + Instant.now().getNano();
        }
    }

    @Test
    void theTimeRuleCatchesAViolation() {
        JavaClasses bad = new ClassFileImporter().importClasses(ReadsTheClock.class);
        assertThatThrownBy(() -> timeRule().check(bad)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("currentTimeMillis");
    }
}
