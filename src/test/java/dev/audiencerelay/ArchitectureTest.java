package dev.audiencerelay;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package dependencies of STYLE.md: ingest -> audience -> campaign; dispatch reads campaign;
 * web is shared by all and knows none of them; nothing points back into ingest.
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.audiencerelay");

    @Test
    void nothingOutsideIngestDependsOnIngest() {
        noClasses()
                .that()
                .resideOutsideOfPackage("..ingest..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("..ingest..")
                .check(MAIN);
    }

    @Test
    void audienceKnowsOnlyCampaignAndWeb() {
        noClasses()
                .that()
                .resideInAPackage("..audience..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("..dispatch..", "..devdb..")
                .check(MAIN);
    }

    @Test
    void campaignDependsOnNoOtherFeature() {
        noClasses()
                .that()
                .resideInAPackage("..campaign..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("..audience..", "..dispatch..", "..devdb..")
                .check(MAIN);
    }

    @Test
    void dispatchReadsOnlyCampaigns() {
        noClasses()
                .that()
                .resideInAPackage("..dispatch..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("..audience..", "..devdb..")
                .check(MAIN);
    }

    @Test
    void webKnowsNoFeature() {
        noClasses()
                .that()
                .resideInAPackage("..web..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("..audience..", "..campaign..", "..dispatch..", "..devdb..")
                .check(MAIN);
    }
}
