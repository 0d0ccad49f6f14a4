package dev.audiencerelay.campaign;

import static dev.audiencerelay.campaign.CampaignFixtures.admin;
import static dev.audiencerelay.campaign.CampaignFixtures.campaignBody;
import static dev.audiencerelay.campaign.CampaignFixtures.createCampaign;
import static dev.audiencerelay.campaign.CampaignFixtures.createDestination;
import static dev.audiencerelay.campaign.CampaignFixtures.destinationBody;
import static dev.audiencerelay.campaign.CampaignFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.audiencerelay.support.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DestinationApiTest {

    @Test
    void createdDestinationShowsOnlyTheLastFourCharactersOfItsToken() {
        String name = unique("dest");
        Map<String, Object> body = destinationBody(name, "pendula-secret-token-wxyz");
        body.put("customContext", "segment-relay");

        Response created = admin().body(body).post("/admin/destinations");

        created.then()
                .statusCode(201)
                .header("Location", containsString("/admin/destinations/"))
                .body("id", notNullValue())
                .body("name", equalTo(name))
                .body("flowUrl", equalTo("http://127.0.0.1:9/webhook/" + name))
                .body("authScheme", equalTo("BEARER"))
                .body("tokenLastFour", equalTo("wxyz"))
                .body("customContext", equalTo("segment-relay"))
                .body("rateLimitPerSecond", equalTo(200))
                .body("token", nullValue())
                .body(not(containsString("pendula-secret")));
        long id = created.jsonPath().getLong("id");
        admin().get("/admin/destinations/" + id)
                .then()
                .statusCode(200)
                .body("name", equalTo(name))
                .body("tokenLastFour", equalTo("wxyz"))
                .body(not(containsString("pendula-secret")));
    }

    @Test
    void tokenIsStoredEncrypted() {
        long id = createDestination(unique("dest"), "plain-token-never-stored");

        long clearCopies = TestDatabase.queryLong(
                "select count(*) from destination where id = ? and position(convert_to('plain-token', 'UTF8')"
                        + " in token_ciphertext) > 0",
                id);
        long ciphertextBytes =
                TestDatabase.queryLong("select length(token_ciphertext) from destination where id = ?", id);

        assertThat(clearCopies).isZero();
        assertThat(ciphertextBytes).isGreaterThan("plain-token-never-stored".length());
    }

    @Test
    void basicAuthNeedsATenantId() {
        String name = unique("dest");
        Map<String, Object> body = destinationBody(name, "basic-token-1234");
        body.put("authScheme", "BASIC");

        admin().body(body)
                .post("/admin/destinations")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations[0].field", equalTo("tenantId"))
                .body("violations[0].in", equalTo("body"))
                .body("violations[0].message", containsString("BASIC"));

        body.put("tenantId", "tenant-42");
        admin().body(body)
                .post("/admin/destinations")
                .then()
                .statusCode(201)
                .body("authScheme", equalTo("BASIC"))
                .body("tenantId", equalTo("tenant-42"));
    }

    @Test
    void flowUrlMustBeAnAbsoluteHttpUrlAndNothingIsStoredOtherwise() {
        for (String url : List.of("/relative/path", "ftp://flows.example.com/x", "flows.example.com/x", "https://")) {
            String name = unique("dest");
            Map<String, Object> body = destinationBody(name, "some-token-abcd");
            body.put("flowUrl", url);

            admin().body(body)
                    .post("/admin/destinations")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("violations.field", hasItem("flowUrl"));
            assertThat(TestDatabase.queryLong("select count(*) from destination where name = ?", name))
                    .as(url)
                    .isZero();
        }
    }

    @Test
    void missingFieldsAndBadValuesAreListedAsViolations() {
        Map<String, Object> body = Map.of("flowUrl", "http://x.example.com", "rateLimitPerSecond", 0, "token", "abc");

        admin().body(body)
                .post("/admin/destinations")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations.field", hasItem("name"))
                .body("violations.field", hasItem("authScheme"))
                .body("violations.field", hasItem("rateLimitPerSecond"))
                .body("violations.field", hasItem("token"))
                .body(not(containsString("abc\"")));
    }

    @Test
    void createWithoutTokenIsRejected() {
        Map<String, Object> body = destinationBody(unique("dest"), null);

        admin().body(body)
                .post("/admin/destinations")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("token"));
    }

    @Test
    void unknownAuthSchemeIsABadRequest() {
        Map<String, Object> body = destinationBody(unique("dest"), "token-abcdefgh");
        body.put("authScheme", "DIGEST");

        admin().body(body)
                .post("/admin/destinations")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("authScheme"))
                .body(not(containsString("objectName")));
    }

    @Test
    void duplicateNameIsAConflict() {
        String name = unique("dest");
        createDestination(name, "first-token-1111");

        admin().body(destinationBody(name, "second-token-2222"))
                .post("/admin/destinations")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("'" + name + "' already exists"));
    }

    @Test
    void updateWithoutTokenKeepsTheStoredToken() {
        String name = unique("dest");
        long id = createDestination(name, "original-token-1234");
        String cipherBefore = CampaignFixtures.queryString(
                "select encode(token_ciphertext, 'hex') from destination where id = ?", id);
        Map<String, Object> body = destinationBody(name, null);
        body.put("rateLimitPerSecond", 50);
        body.put("flowUrl", "http://127.0.0.1:9/other");

        admin().body(body)
                .put("/admin/destinations/" + id)
                .then()
                .statusCode(200)
                .body("rateLimitPerSecond", equalTo(50))
                .body("flowUrl", equalTo("http://127.0.0.1:9/other"))
                .body("tokenLastFour", equalTo("1234"));

        assertThat(CampaignFixtures.queryString(
                        "select encode(token_ciphertext, 'hex') from destination where id = ?", id))
                .isEqualTo(cipherBefore);
    }

    @Test
    void updateWithTokenReplacesIt() {
        String name = unique("dest");
        long id = createDestination(name, "original-token-1234");

        admin().body(destinationBody(name, "replacement-token-9876"))
                .put("/admin/destinations/" + id)
                .then()
                .statusCode(200)
                .body("tokenLastFour", equalTo("9876"))
                .body(not(containsString("replacement-token")));
    }

    @Test
    void updateToAnotherDestinationsNameIsAConflict() {
        String taken = unique("dest");
        createDestination(taken, "token-aaaa-1111");
        long id = createDestination(unique("dest"), "token-bbbb-2222");

        admin().body(destinationBody(taken, null))
                .put("/admin/destinations/" + id)
                .then()
                .statusCode(409);
    }

    @Test
    void unknownDestinationIsNotFound() {
        admin().get("/admin/destinations/999999999")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("destination 999999999 does not exist"));
        admin().body(destinationBody(unique("dest"), "token-cccc-3333"))
                .put("/admin/destinations/999999999")
                .then()
                .statusCode(404);
        admin().delete("/admin/destinations/999999999").then().statusCode(404);
    }

    @Test
    void deletedDestinationIsGoneAndItsNameCanBeUsedAgain() {
        String name = unique("dest");
        long id = createDestination(name, "doomed-token-4444");

        admin().delete("/admin/destinations/" + id).then().statusCode(204);

        admin().get("/admin/destinations/" + id).then().statusCode(404);
        assertThat(TestDatabase.queryLong("select length(token_ciphertext) from destination where id = ?", id))
                .as("the deleted destination's token is erased")
                .isZero();
        createDestination(name, "reborn-token-5555");
    }

    @Test
    void destinationOfALiveCampaignCannotBeDeleted() {
        String destinationName = unique("dest");
        long destinationId = createDestination(destinationName, "busy-token-6666");
        String campaignName = unique("campaign");
        long campaignId = createCampaign(campaignBody(campaignName, unique("aud"), destinationId));

        admin().delete("/admin/destinations/" + destinationId)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("'" + campaignName + "'"));
        admin().get("/admin/destinations/" + destinationId).then().statusCode(200);

        admin().post("/admin/campaigns/" + campaignId + "/end").then().statusCode(200);
        admin().delete("/admin/destinations/" + destinationId).then().statusCode(204);
        admin().get("/admin/campaigns/" + campaignId).then().statusCode(200).body("destinationId", equalTo((int)
                destinationId));
    }

    @Test
    void listPagesThroughDestinationsInIdOrder() {
        long first = createDestination();
        long second = createDestination();
        long third = createDestination();

        Response page =
                admin().queryParam("after", first - 1).queryParam("limit", 2).get("/admin/destinations");

        page.then().statusCode(200).body("items.id", equalTo(List.of((int) first, (int) second)));
        String next = page.jsonPath().getString("next");
        assertThat(next).isEqualTo(String.valueOf(second));
        admin().queryParam("after", next)
                .queryParam("limit", 1)
                .get("/admin/destinations")
                .then()
                .statusCode(200)
                .body("items[0].id", equalTo((int) third))
                .body("items[0].token", nullValue());
    }

    @Test
    void listRejectsALimitOutOfRange() {
        for (String limit : List.of("0", "501", "many", "-3")) {
            admin().queryParam("limit", limit)
                    .get("/admin/destinations")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("violations[0].field", equalTo("limit"))
                    .body("violations[0].in", equalTo("query"));
        }
        admin().queryParam("after", "not-a-cursor")
                .get("/admin/destinations")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("after"));
    }
}
