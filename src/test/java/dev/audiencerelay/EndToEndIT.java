package dev.audiencerelay;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The whole path against the packaged jar. */
@QuarkusIntegrationTest
class EndToEndIT extends EndToEndTest {}
