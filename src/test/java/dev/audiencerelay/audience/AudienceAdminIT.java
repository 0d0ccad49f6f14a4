package dev.audiencerelay.audience;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class AudienceAdminIT extends AudienceAdminTest {}
