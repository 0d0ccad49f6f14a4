package dev.audiencerelay.campaign;

import static dev.audiencerelay.campaign.CampaignFixtures.admin;
import static dev.audiencerelay.campaign.CampaignFixtures.campaignBody;
import static dev.audiencerelay.campaign.CampaignFixtures.destinationBody;
import static dev.audiencerelay.campaign.CampaignFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tokens are write-only: no answer and no log line may contain one. Runs in process only, where the
 * test can see every log record the service writes.
 */
@QuarkusTest
class TokenSecrecyTest {

    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final List<String> answers = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logLines.add(render(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void captureLogs() {
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void noAnswerOrLogLineContainsADestinationToken() {
        String firstToken = "first-secret-" + UUID.randomUUID();
        String secondToken = "second-secret-" + UUID.randomUUID();
        String destinationName = unique("dest");
        String campaignName = unique("campaign");

        Response created = remember(
                admin().body(destinationBody(destinationName, firstToken)).post("/admin/destinations"));
        long destinationId = created.jsonPath().getLong("id");
        remember(admin().body(destinationBody(destinationName, secondToken))
                .put("/admin/destinations/" + destinationId));
        remember(admin().body(destinationBody(destinationName, firstToken)).post("/admin/destinations"));
        Map<String, Object> invalid = destinationBody(unique("dest"), firstToken);
        invalid.put("authScheme", "BASIC");
        remember(admin().body(invalid).post("/admin/destinations"));
        remember(admin().get("/admin/destinations/" + destinationId));
        remember(admin().queryParam("after", destinationId - 1).get("/admin/destinations"));
        long campaignId = remember(admin().body(campaignBody(campaignName, unique("aud"), destinationId))
                        .post("/admin/campaigns"))
                .jsonPath()
                .getLong("id");
        for (String move : List.of("pause", "resume", "end")) {
            remember(admin().post("/admin/campaigns/" + campaignId + "/" + move));
        }
        remember(admin().delete("/admin/destinations/" + destinationId));

        assertThat(answers).hasSize(11).noneMatch(answer -> answer.contains("secret-"));
        assertThat(logLines)
                .as("the lifecycle was logged, so the capture works")
                .anyMatch(line -> line.matches("Campaign '" + campaignName + "' \\(id \\d+\\) paused by \\S+;.*"))
                .anyMatch(line -> line.contains("Destination '" + destinationName + "'"))
                .noneMatch(line -> line.contains(firstToken) || line.contains(secondToken))
                .noneMatch(line -> line.contains("secret-"));
    }

    @Test
    void lifecycleLogNamesTheCampaignAndTheRemoteAddress() {
        String campaignName = unique("campaign");
        long campaignId = CampaignFixtures.createCampaign(
                campaignBody(campaignName, unique("aud"), CampaignFixtures.createDestination()));

        admin().post("/admin/campaigns/" + campaignId + "/end").then().statusCode(200);

        assertThat(logLines)
                .anyMatch(line -> line.startsWith("Campaign '" + campaignName + "' (id " + campaignId + ") ended by ")
                        && line.matches(
                                ".* ended by (127\\.0\\.0\\.1|0:0:0:0:0:0:0:1); 0 pending trigger\\(s\\) cancelled"));
    }

    private Response remember(Response response) {
        answers.add(response.getStatusCode() + " " + response.asString());
        return response;
    }

    private static String render(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        if (record.getThrown() == null) {
            return message;
        }
        StringWriter trace = new StringWriter();
        record.getThrown().printStackTrace(new PrintWriter(trace));
        return message + "\n" + trace;
    }
}
