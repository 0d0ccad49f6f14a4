package dev.audiencerelay.ingest;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class SegmentBadInputIT extends SegmentBadInputTest {}
