package dev.audiencerelay;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same checks against the packaged jar. */
@QuarkusIntegrationTest
class HealthIT extends HealthTest {}
