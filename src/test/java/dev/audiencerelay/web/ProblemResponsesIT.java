package dev.audiencerelay.web;

import io.quarkus.test.junit.QuarkusIntegrationTest;

@QuarkusIntegrationTest
class ProblemResponsesIT extends ProblemResponsesTest {}
