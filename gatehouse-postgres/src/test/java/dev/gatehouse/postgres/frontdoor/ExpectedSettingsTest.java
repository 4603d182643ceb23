package dev.gatehouse.postgres.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.postgres.protocol.PgMessages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One instance per distinct expected-settings value in a pool, with its greeting encoded once. */
final class ExpectedSettingsTest {

    private static final Map<String, String> BASELINE_NAMED = named("DateStyle", "ISO, MDY", "TimeZone", "UTC",
            "server_version", "15.18");

    @Test
    void equalValuesShareOneInstance_soAConnectionCanCompareByIdentity() {
        ExpectedSettings settings = new ExpectedSettings();
        ExpectedSettings.Expected a = settings.of(Map.of("timezone", "UTC"), BASELINE_NAMED);
        ExpectedSettings.Expected b = settings.of(new LinkedHashMap<>(Map.of("timezone", "UTC")), BASELINE_NAMED);
        ExpectedSettings.Expected c = settings.of(Map.of("timezone", "Europe/Paris"), BASELINE_NAMED);

        assertThat(b).isSameAs(a);
        assertThat(b.values()).isSameAs(a.values());
        assertThat(c).isNotSameAs(a);
    }

    @Test
    void theGreetingIsTheBaselinesMessagesInOrder_withTheClientsOwnValues() {
        ExpectedSettings.Expected e = new ExpectedSettings().of(Map.of("timezone", "Europe/Paris"), BASELINE_NAMED);

        assertThat(ByteBufUtil.hexDump(e.greeting())).isEqualTo(hex(
                status("DateStyle", "ISO, MDY"), status("TimeZone", "Europe/Paris"), status("server_version", "15.18")));
    }

    @Test
    void pastTheBoundAValueGetsAnInstanceOfItsOwn_stillRight() {
        ExpectedSettings settings = new ExpectedSettings();
        for (int i = 0; i < ExpectedSettings.MAX_VALUES; i++) {
            settings.of(Map.of("application_name", "app" + i), BASELINE_NAMED);
        }
        ExpectedSettings.Expected first = settings.of(Map.of("application_name", "late"), BASELINE_NAMED);
        ExpectedSettings.Expected second = settings.of(Map.of("application_name", "late"), BASELINE_NAMED);

        assertThat(second).isNotSameAs(first);
        assertThat(second.values()).isEqualTo(first.values());
        assertThat(second.greeting()).isEqualTo(first.greeting());
        assertThat(settings.of(Map.of("application_name", "app0"), BASELINE_NAMED))
                .isSameAs(settings.of(Map.of("application_name", "app0"), BASELINE_NAMED));
    }

    private static ByteBuf status(String name, String value) {
        return PgMessages.parameterStatus(UnpooledByteBufAllocator.DEFAULT, name, value);
    }

    private static String hex(ByteBuf... messages) {
        StringBuilder out = new StringBuilder();
        for (ByteBuf m : messages) {
            out.append(ByteBufUtil.hexDump(m));
            m.release();
        }
        return out.toString();
    }

    private static Map<String, String> named(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }
}
