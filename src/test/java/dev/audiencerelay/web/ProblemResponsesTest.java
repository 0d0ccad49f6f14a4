package dev.audiencerelay.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProblemResponsesTest {

    @Test
    void unknownPathIsAProblemDocument() {
        given().get("/no/such/thing")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("title", equalTo("Not Found"))
                .body("detail", equalTo("Nothing is served at /no/such/thing"));
    }

    @Test
    void adminWithoutTokenIsUnauthorizedProblem() {
        given().get("/admin/campaigns")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", equalTo(401))
                .body("detail", containsString("Bearer"));
    }

    @Test
    void adminWithWrongTokenIsUnauthorized() {
        given().header("Authorization", "Bearer test-admin-tokeN")
                .get("/admin/campaigns")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void problemBodiesNeverShowJavaInternals() {
        given().get("/no/such/thing")
                .then()
                .body(not(containsString("Exception")))
                .body(not(containsString("dev.audiencerelay")));
    }
}
