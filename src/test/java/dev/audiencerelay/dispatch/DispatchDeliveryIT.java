package dev.audiencerelay.dispatch;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class DispatchDeliveryIT extends DispatchDeliveryTest {}
