package dev.audiencerelay.dispatch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.audiencerelay.support.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several dispatcher instances on one database, each a worker with its own lease owner, as separate
 * service instances would be. The application's own dispatcher is off, so only these workers send.
 */
@QuarkusTest
@TestProfile(ManualDispatch.class)
class DispatchInstancesTest {

    private static WireMockServer pendula;

    @Inject
    Dispatcher dispatcher;

    private final List<DispatchWorker> workers = new ArrayList<>();
    private String path;

    @BeforeAll
    static void startPendula() {
        pendula = new WireMockServer(options().dynamicPort());
        pendula.start();
    }

    @AfterAll
    static void stopPendula() {
        pendula.stop();
    }

    @BeforeEach
    void resetPendula() {
        pendula.resetAll();
        path = "/flows/" + UUID.randomUUID();
    }

    @AfterEach
    void stopWorkers() {
        workers.forEach(DispatchWorker::stop);
    }

    @Test
    void twoInstancesNeverSendOneTriggerTwice() {
        answerSlowly(300);
        long campaign = campaign(1000);
        Outbox.triggers(campaign, 150);
        DispatchWorker first = startWorker("first");
        DispatchWorker second = startWorker("second");
        first.wake();
        second.wake();

        await().atMost(Duration.ofSeconds(30)).until(() -> Outbox.countWithStatus(campaign, "DELIVERED") == 150);

        List<String> keys = requests().stream()
                .map(request -> request.getHeader("Idempotency-Key"))
                .toList();
        assertThat(keys).hasSize(150).doesNotHaveDuplicates();
        assertThat(first.attemptsMade()).isPositive();
        assertThat(second.attemptsMade()).isPositive();
        assertThat(first.attemptsMade() + second.attemptsMade()).isEqualTo(150);
    }

    @Test
    void shutdownFinishesRequestsInFlightAndGivesBackTheRest() {
        answerSlowly(500);
        long campaign = campaign(4);
        Outbox.triggers(campaign, 12);
        DispatchWorker stopping = startWorker("stopping");
        stopping.wake();
        await().atMost(Duration.ofSeconds(10)).until(() -> requests().size() >= 2);

        stopping.stop();

        assertThat(TestDatabase.queryLong(
                        "select count(*) from flow_trigger where campaign_id = ? and lease_owner is not null",
                        campaign))
                .isZero();
        long sent = requests().size();
        assertThat(TestDatabase.queryLong(
                        "select count(*) from delivery_attempt a join flow_trigger t on t.id = a.trigger_id"
                                + " where t.campaign_id = ?",
                        campaign))
                .isEqualTo(sent);
        assertThat(Outbox.countWithStatus(campaign, "DELIVERED")).isEqualTo(sent);

        startWorker("successor").wake();
        await().atMost(Duration.ofSeconds(20)).until(() -> Outbox.countWithStatus(campaign, "DELIVERED") == 12);
        List<String> keys = requests().stream()
                .map(request -> request.getHeader("Idempotency-Key"))
                .toList();
        assertThat(keys).hasSize(12).doesNotHaveDuplicates();
    }

    private DispatchWorker startWorker(String name) {
        DispatchWorker worker = dispatcher.newWorker(name + "-" + UUID.randomUUID());
        worker.start();
        workers.add(worker);
        return worker;
    }

    private long campaign(int ratePerSecond) {
        String flowUrl = "http://localhost:" + pendula.port() + path;
        long destination = Outbox.bearerDestination(flowUrl, "token-" + UUID.randomUUID(), null, ratePerSecond);
        return Outbox.campaign(destination, "ACTIVE");
    }

    private void answerSlowly(int delayMs) {
        pendula.stubFor(
                post(urlEqualTo(path)).willReturn(aResponse().withStatus(200).withFixedDelay(delayMs)));
    }

    private List<LoggedRequest> requests() {
        return pendula.findAll(postRequestedFor(urlEqualTo(path)));
    }
}
