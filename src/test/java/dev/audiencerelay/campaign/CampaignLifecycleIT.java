package dev.audiencerelay.campaign;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class CampaignLifecycleIT extends CampaignLifecycleTest {}
