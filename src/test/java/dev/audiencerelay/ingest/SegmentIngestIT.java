package dev.audiencerelay.ingest;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same ingest behaviour against the packaged jar. */
@QuarkusIntegrationTest
class SegmentIngestIT extends SegmentIngestTest {}
