package dev.audiencerelay.campaign;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class CampaignEndsAtIT extends CampaignEndsAtTest {}
