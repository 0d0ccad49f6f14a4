package dev.audiencerelay.campaign;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class DestinationApiIT extends DestinationApiTest {}
