package dev.gatehouse.core.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

final class RouteKeysTest {

    @ParameterizedTest
    @CsvSource({
        "GET, /users/123/orders/9f1c2b3a4d5e6f708192a3b4, GET /users/:id/orders/:id",
        "GET, /users/123/orders/9F1C2B3A4D5E6F70/, GET /users/:id/orders/:id/",
        "POST, /items/3f2504e0-4f89-11d3-9a0c-0305e82c3301/edit, POST /items/:id/edit",
        "GET, /t/dGhpcyBpcyBhIHRva2VuMQ, GET /t/:id",
        "GET, /settings/notifications-settings, GET /settings/notifications-settings",
        "GET, /v2/api/health, GET /v2/api/health",
        "GET, /files/report.2024.pdf, GET /files/report.2024.pdf",
        "GET, /, GET /",
        "GET, '', GET /",
    })
    void of_collapsesIdentifiers(String method, String path, String key) {
        assertThat(RouteKeys.of(method, path)).isEqualTo(key);
    }

    @Test
    void of_aVeryLongPath_isCutAtMaxLength() {
        String key = RouteKeys.of("GET", "/" + "abcdefgh/".repeat(100));
        assertThat(key).hasSize(RouteKeys.MAX_LENGTH).startsWith("GET /abcdefgh/");
    }

    @Test
    void of_aVeryLongSegment_isCutAtMaxLength() {
        assertThat(RouteKeys.of("GET", "/" + "x".repeat(10_000))).hasSize(RouteKeys.MAX_LENGTH);
    }
}
