package dev.audiencerelay.ingest;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class IngestOutageIT extends IngestOutageTest {}
