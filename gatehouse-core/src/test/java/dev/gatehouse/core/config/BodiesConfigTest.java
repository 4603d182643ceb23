package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code bodies} section and a pool's {@code request_buffering}. */
final class BodiesConfigTest {

    private static GatehouseConfig parse(String top, String pool) throws ConfigException {
        return ConfigLoader.parse("""
                listeners:
                  - bind: 127.0.0.1:8080
                    routes: [ { pool: web } ]
                pools:
                  web:
                """ + pool.indent(4) + top, name -> null);
    }

    @Test
    void defaults_bufferInPoolsWithALimit() throws Exception {
        GatehouseConfig c = parse("", "backends: [ \"10.0.0.1:80\" ]");
        assertThat(c.bodies()).isEqualTo(BodiesConfig.DEFAULTS);
        assertThat(c.bodies().bufferRequest()).isEqualTo(1024 * 1024);
        assertThat(c.bodies().minRequestRate()).isEqualTo(500);
        assertThat(c.pools().get("web").admission().bufferBodies()).isTrue();
        assertThat(parse("", "backend_concurrency: 0").pools().get("web").admission().bufferBodies()).isFalse();
        assertThat(parse("", "backend_concurrency: 4\nrequest_buffering: false").pools().get("web").admission().bufferBodies())
                .isFalse();
        assertThat(parse("", "backend_concurrency: 0\nrequest_buffering: true").pools().get("web").admission().bufferBodies())
                .isTrue();
    }

    @Test
    void everyKey_isRead() throws Exception {
        BodiesConfig b = parse("""
                bodies:
                  buffer_request: 256KiB
                  buffer_requests_total: 8MiB
                  buffer_response: 2MiB
                  min_request_rate: 0
                  request_deadline: 10m
                  buffer_request_file: 16MiB
                  buffer_files_total: 256MiB
                  temp_dir: /var/tmp
                """, "").bodies();
        assertThat(b).isEqualTo(new BodiesConfig(256 * 1024, 8 * 1024 * 1024, 2 * 1024 * 1024, 0, Duration.ofMinutes(10),
                16 * 1024 * 1024, 256 * 1024 * 1024, "/var/tmp"));
    }

    @Test
    void theFileStage_defaultsTo64MiBPerRequestAnd1GiBForTheNode_inTheSystemTempDir() throws Exception {
        BodiesConfig b = parse("", "").bodies();
        assertThat(b.bufferRequestFile()).isEqualTo(64L * 1024 * 1024);
        assertThat(b.bufferFilesTotal()).isEqualTo(1024L * 1024 * 1024);
        assertThat(b.tempDir()).isEmpty();
        assertThat(parse("bodies: { buffer_request_file: 4GiB }\n", "").bodies().bufferFilesTotal()).isEqualTo(4L << 30);
        assertThat(parse("bodies: { buffer_request_file: 0 }\n", "").bodies().bufferRequestFile()).isZero();
        assertThat(parse("bodies: { buffer_request: 128MiB }\n", "").bodies().bufferRequestFile()).isEqualTo(128L << 20);
    }

    @Test
    void aLargerRequestBuffer_raisesTheDefaultTotal() throws Exception {
        BodiesConfig b = parse("bodies: { buffer_request: 64MiB }\n", "").bodies();
        assertThat(b.bufferRequestsTotal()).isEqualTo(64L * 1024 * 1024);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bodies: { buffer_request: 2GiB } | bodies.buffer_request",
            "bodies: { buffer_response: 1k } | bodies.buffer_response",
            "bodies: { request_deadline: soon } | bodies.request_deadline",
            "bodies: { buffer_request: 4MiB, buffer_requests_total: 1MiB } | buffer_requests_total",
            "bodies: { spool: true } | bodies.spool: unknown field",
            "bodies: { temp_dir: tmp } | bodies.temp_dir: \"tmp\" (expected: an absolute directory path)",
            "bodies: { buffer_request_file: 1TiB } | bodies.buffer_request_file",
            "bodies: { buffer_request_file: 8MiB, buffer_files_total: 1MiB } | buffer_files_total",
            "bodies: { buffer_request: 8MiB, buffer_request_file: 4MiB } | buffer_request_file: 4194304 (expected: 0, or at least buffer_request",
    })
    void badValues_areReportedWithTheirPath(String top, String expected) {
        assertThatThrownBy(() -> parse(top + "\n", "")).isInstanceOf(ConfigException.class).hasMessageContaining(expected);
    }
}
