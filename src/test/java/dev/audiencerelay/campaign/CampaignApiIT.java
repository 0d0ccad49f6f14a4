package dev.audiencerelay.campaign;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class CampaignApiIT extends CampaignApiTest {}
