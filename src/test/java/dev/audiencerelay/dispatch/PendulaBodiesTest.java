package dev.audiencerelay.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PendulaBodiesTest {

    @Test
    void namesAndMobileComeFromTheFirstTraitThatHasThem() {
        Map<String, Object> traits =
                Map.of("firstName", "Zoe", "first_name", "Ignored", "last_name", "Ng", "phone_number", "+61400000002");

        Map<String, Object> body = PendulaBodies.body(7, "spring", payload(traits));

        assertThat(body)
                .containsEntry("firstname", "Zoe")
                .containsEntry("lastname", "Ng")
                .containsEntry("mobile", "+61400000002");
    }

    @Test
    void aMobileGivenAsANumberIsSentAsGiven() {
        Map<String, Object> body = PendulaBodies.body(7, "spring", payload(Map.of("mobile", 61400000003L)));

        assertThat(body).containsEntry("mobile", "61400000003");
    }

    @Test
    void blankOrMissingSourcesAreLeftOut() {
        Map<String, Object> body = PendulaBodies.body(7, "spring", payload(Map.of("firstname", " ")));

        assertThat(body).doesNotContainKeys("firstname", "lastname", "mobile", "email");
        assertThat(body).containsEntry("campaignName", "spring").containsEntry("triggerId", 7L);
    }

    private static Map<String, Object> payload(Map<String, Object> traits) {
        return Map.of("audienceKey", "vip", "profileKey", "u1", "userId", "u1", "traits", traits);
    }
}
