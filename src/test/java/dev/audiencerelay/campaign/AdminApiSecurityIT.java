package dev.audiencerelay.campaign;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class AdminApiSecurityIT extends AdminApiSecurityTest {}
