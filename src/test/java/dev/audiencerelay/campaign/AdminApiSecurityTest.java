package dev.audiencerelay.campaign;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.audiencerelay.support.TestSettings;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AdminApiSecurityTest {

    /** Every campaign, destination and audience endpoint, as method and path. */
    private static final List<String[]> ENDPOINTS = List.of(
            new String[] {"POST", "/admin/destinations"},
            new String[] {"GET", "/admin/destinations"},
            new String[] {"GET", "/admin/destinations/1"},
            new String[] {"PUT", "/admin/destinations/1"},
            new String[] {"DELETE", "/admin/destinations/1"},
            new String[] {"POST", "/admin/campaigns"},
            new String[] {"GET", "/admin/campaigns"},
            new String[] {"GET", "/admin/campaigns/1"},
            new String[] {"POST", "/admin/campaigns/1/pause"},
            new String[] {"POST", "/admin/campaigns/1/resume"},
            new String[] {"POST", "/admin/campaigns/1/end"},
            new String[] {"POST", "/admin/campaigns/1/retry-failed"},
            new String[] {"GET", "/admin/audiences"},
            new String[] {"GET", "/admin/audiences/vip/members"});

    @Test
    void adminPathsWithoutTheAdminTokenAreUnauthorized() {
        for (String[] endpoint : ENDPOINTS) {
            given().contentType(ContentType.JSON)
                    .body("{}")
                    .request(endpoint[0], endpoint[1])
                    .then()
                    .statusCode(401)
                    .contentType("application/problem+json")
                    .body("status", equalTo(401));
        }
    }

    @Test
    void segmentWriteKeyDoesNotOpenTheAdminApi() {
        for (String[] endpoint : ENDPOINTS) {
            given().header("Authorization", "Bearer " + TestSettings.WRITE_KEY)
                    .contentType(ContentType.JSON)
                    .body("{}")
                    .request(endpoint[0], endpoint[1])
                    .then()
                    .statusCode(401);
            given().auth()
                    .preemptive()
                    .basic(TestSettings.WRITE_KEY, "")
                    .contentType(ContentType.JSON)
                    .body("{}")
                    .request(endpoint[0], endpoint[1])
                    .then()
                    .statusCode(401);
        }
    }
}
