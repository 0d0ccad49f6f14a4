package dev.audiencerelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.audiencerelay.audience.MembershipEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Recognition of Engage events, without HTTP or database. */
class SegmentEventReaderTest {

    private static final Instant NOW = Instant.parse("2024-06-01T00:00:00Z");
    private final SegmentEventReader reader = new SegmentEventReader(Clock.fixed(NOW, ZoneOffset.UTC));
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void identifyEnterIsReadWithTraitsButWithoutTheAudienceFlag() throws Exception {
        MembershipEvent event = membership("""
                {"type":"identify","messageId":"m1","userId":"u1","timestamp":"2024-05-01T12:00:00.123+02:00",
                 "traits":{"vip":true,"email":"A@B.io","firstName":"Ada"},
                 "context":{"personas":{"computation_class":"audience","computation_key":"vip"}}}
                """);

        assertThat(event.entered()).isTrue();
        assertThat(event.audienceKey()).isEqualTo("vip");
        assertThat(event.profileKey()).isEqualTo("u1");
        assertThat(event.email()).isEqualTo("A@B.io");
        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2024-05-01T10:00:00.123Z"));
        assertThat(event.traits().has("vip")).isFalse();
        assertThat(event.traits().get("firstName").asText()).isEqualTo("Ada");
    }

    @Test
    void trackExitFallsBackToPropertiesAudienceKeyAndLowerCasedEmail() throws Exception {
        MembershipEvent event = membership("""
                {"type":"track","event":"Audience Exited","messageId":"m2","timestamp":"2024-05-01T10:00:00Z",
                 "properties":{"audience_key":"churn","churn":false},
                 "context":{"traits":{"email":"Grace@Example.COM"}}}
                """);

        assertThat(event.entered()).isFalse();
        assertThat(event.audienceKey()).isEqualTo("churn");
        assertThat(event.profileKey()).isEqualTo("grace@example.com");
    }

    @Test
    void missingTimestampFallsBackToReceivedAtThenToNow() throws Exception {
        String withReceivedAt = """
                {"type":"identify","messageId":"m3","anonymousId":"a1","receivedAt":"2024-05-02T00:00:00Z",
                 "traits":{"vip":false},"context":{"personas":{"computation_key":"vip"}}}
                """;
        assertThat(membership(withReceivedAt).occurredAt()).isEqualTo(Instant.parse("2024-05-02T00:00:00Z"));
        assertThat(membership(withReceivedAt.replace("\"receivedAt\":\"2024-05-02T00:00:00Z\",", ""))
                        .occurredAt())
                .isEqualTo(NOW);
    }

    @Test
    void trackWhoseFlagContradictsTheEventNameIsRejected() throws Exception {
        ReadEvent read = read("""
                {"type":"track","event":"Audience Entered","messageId":"m4","userId":"u1",
                 "properties":{"audience_key":"vip","vip":false}}
                """);

        assertThat(read).isInstanceOf(ReadEvent.Rejected.class);
        assertThat(((ReadEvent.Rejected) read).reason()).contains("contradicts properties.vip=false");
    }

    @Test
    void computedTraitsAndOrdinaryEventsAreIgnored() throws Exception {
        assertThat(read("""
                {"type":"identify","messageId":"m5","userId":"u1","traits":{"ltv":12},
                 "context":{"personas":{"computation_class":"trait","computation_key":"ltv"}}}
                """)).isInstanceOf(ReadEvent.Ignored.class);
        assertThat(read("{\"type\":\"track\",\"event\":\"Signed Up\",\"messageId\":\"m6\"}"))
                .isInstanceOf(ReadEvent.Ignored.class);
        assertThat(read("{\"type\":\"screen\"}")).isInstanceOf(ReadEvent.Ignored.class);
    }

    @Test
    void nulCharacterThatPostgresCannotStoreIsRejected() throws Exception {
        ReadEvent read = read("""
                {"type":"identify","messageId":"m7","userId":"u1","traits":{"vip":true,"note":"a\\u0000b"},
                 "context":{"personas":{"computation_key":"vip"}}}
                """);

        assertThat(read).isInstanceOf(ReadEvent.Rejected.class);
    }

    private MembershipEvent membership(String event) throws Exception {
        ReadEvent read = read(event);
        assertThat(read).isInstanceOf(ReadEvent.Membership.class);
        return ((ReadEvent.Membership) read).event();
    }

    private ReadEvent read(String event) throws Exception {
        JsonNode node = json.readTree(event);
        return reader.read(node, null);
    }
}
