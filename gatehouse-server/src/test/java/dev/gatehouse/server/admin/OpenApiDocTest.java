package dev.gatehouse.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.gatehouse.core.api.AddBackendRequest;
import dev.gatehouse.core.api.ApiError;
import dev.gatehouse.core.api.BackendView;
import dev.gatehouse.core.api.DeployRequest;
import dev.gatehouse.core.api.DeployView;
import dev.gatehouse.core.api.DrainRequest;
import dev.gatehouse.core.api.NodeInfo;
import dev.gatehouse.core.api.PoolList;
import dev.gatehouse.core.api.PoolView;
import dev.gatehouse.core.api.QueueView;
import dev.gatehouse.core.api.ReloadResult;
import dev.gatehouse.core.api.RollbackRequest;
import dev.gatehouse.core.api.RollbackResult;
import dev.gatehouse.core.api.WeightRequest;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.ConfigError;
import dev.gatehouse.core.state.BackendOverride;
import dev.gatehouse.core.state.PoolRuntime;
import dev.gatehouse.core.state.RuntimeState;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API documentation matches the code: every path and method the router serves is in
 * docs/openapi.yaml and has a section in docs/admin-api.md, nothing else is documented, every
 * reference resolves, and the schemas name exactly the fields of the JSON records.
 */
final class OpenApiDocTest {

    private static final Path OPENAPI = Path.of("../docs/openapi.yaml");
    private static final Path GUIDE = Path.of("../docs/admin-api.md");
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");

    @Test
    void everyServedPathAndMethod_isDocumented_andNothingElse() throws IOException {
        JsonNode paths = openApi().get("paths");

        Set<String> documented = new TreeSet<>();
        paths.fieldNames().forEachRemaining(documented::add);
        assertThat(documented).containsExactlyInAnyOrderElementsOf(Endpoint.templates());
        for (Endpoint e : Endpoint.values()) {
            List<String> methods = new ArrayList<>();
            paths.get(e.template()).fieldNames().forEachRemaining(m -> {
                if (METHODS.contains(m)) {
                    methods.add(m);
                }
            });
            assertThat(methods).as(e.template())
                    .containsExactlyInAnyOrderElementsOf(e.methods().stream().map(m -> m.name().toLowerCase(Locale.ROOT)).toList());
        }
    }

    @Test
    void everyServedPathAndMethod_hasASectionInTheGuide() throws IOException {
        String guide = Files.readString(GUIDE);

        for (Endpoint e : Endpoint.values()) {
            for (HttpMethod m : e.methods()) {
                assertThat(guide).contains("### " + m.name() + " " + e.template());
            }
        }
    }

    @Test
    void everyReferenceResolves() throws IOException {
        JsonNode doc = openApi();
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);

        assertThat(refs).isNotEmpty().allSatisfy(ref -> {
            assertThat(ref).startsWith("#/");
            JsonNode target = doc.at(ref.substring(1));
            assertThat(target.isMissingNode()).as(ref).isFalse();
        });
        assertThat(doc.get("openapi").asText()).startsWith("3.");
    }

    static Stream<Arguments> schemas() {
        return Stream.of(
                Arguments.of("Error", ApiError.class),
                Arguments.of("ConfigError", ConfigError.class),
                Arguments.of("NodeInfo", NodeInfo.class),
                Arguments.of("PoolEpoch", NodeInfo.PoolEpoch.class),
                Arguments.of("ListenerView", dev.gatehouse.core.api.ListenerView.class),
                Arguments.of("Certificate", dev.gatehouse.core.api.ListenerView.Certificate.class),
                Arguments.of("RuntimeState", RuntimeState.class),
                Arguments.of("PoolRuntime", PoolRuntime.class),
                Arguments.of("PoolVersions", dev.gatehouse.core.state.PoolVersions.class),
                Arguments.of("DeployRecord", dev.gatehouse.core.state.DeployRecord.class),
                Arguments.of("CutoverRecord", dev.gatehouse.core.state.CutoverRecord.class),
                Arguments.of("BackendConfig", BackendConfig.class),
                Arguments.of("BackendOverride", BackendOverride.class),
                Arguments.of("PoolList", PoolList.class),
                Arguments.of("Pool", PoolView.class),
                Arguments.of("Queue", QueueView.class),
                Arguments.of("Backend", BackendView.class),
                Arguments.of("AddBackendRequest", AddBackendRequest.class),
                Arguments.of("WeightRequest", WeightRequest.class),
                Arguments.of("DrainRequest", DrainRequest.class),
                Arguments.of("EmptyRequest", NoBody.class),
                Arguments.of("ReloadResult", ReloadResult.class),
                Arguments.of("DeployRequest", DeployRequest.class),
                Arguments.of("Deploy", DeployView.class),
                Arguments.of("RollbackRequest", RollbackRequest.class),
                Arguments.of("RollbackResult", RollbackResult.class),
                Arguments.of("CanaryRequest", dev.gatehouse.core.api.CanaryRequest.class),
                Arguments.of("CanaryResult", dev.gatehouse.core.api.CanaryResult.class),
                Arguments.of("CacheList", dev.gatehouse.core.api.CacheList.class),
                Arguments.of("CacheView", dev.gatehouse.core.api.CacheView.class),
                Arguments.of("CachePurgeRequest", dev.gatehouse.core.api.CachePurgeRequest.class),
                Arguments.of("CachePurgeResult", dev.gatehouse.core.api.CachePurgeResult.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemas")
    void schema_namesExactlyTheFieldsOfItsRecord(String schema, Class<? extends Record> record) throws IOException {
        JsonNode properties = openApi().at("/components/schemas/" + schema + "/properties");
        Set<String> documented = new TreeSet<>();
        properties.fieldNames().forEachRemaining(documented::add);

        PropertyNamingStrategies.NamingBase snake = (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;
        List<String> fields = Arrays.stream(record.getRecordComponents()).map(c -> snake.translate(c.getName())).toList();
        assertThat(documented).containsExactlyInAnyOrderElementsOf(fields);
    }

    private static JsonNode openApi() throws IOException {
        return new YAMLMapper().readTree(OPENAPI.toFile());
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }
}
