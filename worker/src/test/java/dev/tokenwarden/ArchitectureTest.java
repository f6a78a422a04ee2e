package dev.tokenwarden;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.Dependency.Predicates.dependency;
import static com.tngtech.archunit.core.domain.Dependency.Predicates.dependencyTarget;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.conditions.ArchConditions.haveAnyDependenciesThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.Set;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.LocationProvider;
import com.tngtech.archunit.lang.ArchRule;

import dev.tokenwarden.runtime.Worker;

/**
 * The worker's layering, checked on every build: no package depends on itself through others, and each library
 * is used in its one package, so replacing or upgrading it touches one place.
 */
@AnalyzeClasses(locations = ArchitectureTest.WorkerClasses.class, importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The worker's own main classes only; not the events schema or the test stack beside them on the class path. */
    static final class WorkerClasses implements LocationProvider {
        @Override
        public Set<Location> get(Class<?> testClass) {
            return Set.of(Location.of(Worker.class.getProtectionDomain().getCodeSource().getLocation()));
        }
    }

    @ArchTest
    static final ArchRule shouldHaveNoPackageCycles = slices().matching("dev.tokenwarden.(**)")
            .should().beFreeOfCycles();

    /** cli and runtime wire the worker from the configuration, ops serves the operator commands that read it. */
    @ArchTest
    static final ArchRule shouldLeaveConfigToTheWiringAndTheCommands = noClasses()
            .that().resideOutsideOfPackages("dev.tokenwarden.config..", "dev.tokenwarden.cli..",
                    "dev.tokenwarden.runtime..", "dev.tokenwarden.ops..")
            .should().dependOnClassesThat().resideInAPackage("dev.tokenwarden.config..")
            .because("config builds each capability package's own settings record; the capabilities never read it");

    /**
     * Frozen exception: {@code migrate} reads Flyway's {@code MigrateResult} to print what it applied. It goes away
     * when {@code store.Migrations.apply} returns a record of its own; until then this one dependency is allowed and
     * any other use of these libraries outside store fails.
     */
    private static final DescribedPredicate<Dependency> FROZEN_MIGRATE_RESULT =
            dependency("dev.tokenwarden.cli.MigrateCommand", "org.flywaydb.core.api.output.MigrateResult");

    @ArchTest
    static final ArchRule shouldUseTheDatabaseLibrariesOnlyInStore = noClasses()
            .that().resideOutsideOfPackage("dev.tokenwarden.store..")
            .should(haveAnyDependenciesThat(dependencyTarget(resideInAnyPackage("org.jdbi..", "org.postgresql..",
                    "com.zaxxer.hikari..", "org.flywaydb.."))
                    .and(not(FROZEN_MIGRATE_RESULT))))
            .because("JDBI, the PostgreSQL driver, Hikari and Flyway belong to store");

    @ArchTest
    static final ArchRule shouldUseRedissonOnlyInLock = noClasses()
            .that().resideOutsideOfPackage("dev.tokenwarden.lock..")
            .should().dependOnClassesThat().resideInAPackage("org.redisson..");

    @ArchTest
    static final ArchRule shouldUseJettysClientOnlyInProvider = noClasses()
            .that().resideOutsideOfPackage("dev.tokenwarden.provider..")
            .should().dependOnClassesThat().resideInAPackage("org.eclipse.jetty.client..")
            .because("the HTTP client to the token endpoints is provider's");

    @ArchTest
    static final ArchRule shouldUseJettysServerOnlyInHttp = noClasses()
            .that().resideOutsideOfPackage("dev.tokenwarden.http..")
            .should().dependOnClassesThat().resideInAPackage("org.eclipse.jetty.server..")
            .because("the operator endpoint is http's");

    /** Jetty's shared I/O and utility classes serve both its client (provider) and its server (http). */
    @ArchTest
    static final ArchRule shouldUseJettyOnlyInProviderAndHttp = noClasses()
            .that().resideOutsideOfPackages("dev.tokenwarden.provider..", "dev.tokenwarden.http..")
            .should().dependOnClassesThat().resideInAPackage("org.eclipse.jetty..")
            .because("each use of Jetty has its one package");

    /** Processors live in intake, refresh and cooldown; runtime's processing-failure handler receives a Record. */
    @ArchTest
    static final ArchRule shouldUseTheProcessorApiOnlyWhereProcessorsLive = noClasses()
            .that().resideOutsideOfPackages("dev.tokenwarden.intake..", "dev.tokenwarden.refresh..",
                    "dev.tokenwarden.cooldown..", "dev.tokenwarden.runtime..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.kafka.streams.processor..");

    @ArchTest
    static final ArchRule shouldUseMicrometerOnlyInMetrics = noClasses()
            .that().resideOutsideOfPackage("dev.tokenwarden.metrics..")
            .should().dependOnClassesThat().resideInAPackage("io.micrometer..");

    @ArchTest
    static final ArchRule shouldUseLogbackOnlyInLogs = noClasses()
            .that().resideOutsideOfPackage("dev.tokenwarden.logs..")
            .should().dependOnClassesThat().resideInAPackage("ch.qos.logback..")
            .because("everything else logs through SLF4J");
}
