package dev.gatehouse.postgres.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.postgres.protocol.PgMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class LimitsProbeTest {

    @Test
    void aRowOfFifteen_withoutReservedConnections_fitsOrNot() {
        LimitsProbe probe = new LimitsProbe(50);
        assertThat(read(probe, dataRow("100", "3", null, "150014"))).isFalse();
        assertThat(read(probe, message('C', "SELECT 1\0".getBytes(StandardCharsets.UTF_8)))).isFalse();
        assertThat(read(probe, message('Z', new byte[] {'I'}))).isTrue();
        ServerLimits limits = probe.result();
        assertThat(limits.available()).isEqualTo(97);
        assertThat(limits.fits()).isTrue();
        assertThat(limits.cap()).isEqualTo(50);

        ServerLimits tight = new ServerLimits(20, 3, 2, 160000, 50);
        assertThat(tight.available()).isEqualTo(15);
        assertThat(tight.fits()).isFalse();
        assertThat(tight.cap()).isEqualTo(15);
        assertThat(tight.problem("main")).contains("databases.servers.main.max_connections is 50")
                .contains("max_connections 20").contains("superuser_reserved_connections 3")
                .contains("reserved_connections 2").contains("lowered to 15");
        assertThat(new ServerLimits(3, 3, 0, 150000, 10).cap()).as("never below 1").isEqualTo(1);
    }

    @Test
    void anErrorOrABadRow_isNamed() {
        LimitsProbe failed = new LimitsProbe(5);
        read(failed, message('E', "SERROR\0C42501\0Mpermission denied\0\0".getBytes(StandardCharsets.UTF_8)));
        read(failed, message('Z', new byte[] {'I'}));
        assertThatThrownBy(failed::result).hasMessageContaining("permission denied");

        LimitsProbe notNumbers = new LimitsProbe(5);
        read(notNumbers, dataRow("many", "3", null, "150014"));
        assertThatThrownBy(notNumbers::result).hasMessageContaining("not numbers");

        LimitsProbe truncated = new LimitsProbe(5);
        ByteBuf body = Unpooled.buffer().writeShort(4).writeInt(100).writeBytes("12".getBytes(StandardCharsets.UTF_8));
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        body.release();
        read(truncated, message('D', bytes));
        assertThatThrownBy(truncated::result).hasMessageContaining("unreadable DataRow");

        LimitsProbe none = new LimitsProbe(5);
        read(none, message('Z', new byte[] {'I'}));
        assertThatThrownBy(none::result).hasMessageContaining("no usable row");
    }

    private static boolean read(LimitsProbe probe, PgMessage m) {
        try {
            return probe.read(m);
        } finally {
            m.release();
        }
    }

    private static PgMessage dataRow(String... columns) {
        ByteBuf body = Unpooled.buffer().writeShort(columns.length);
        for (String c : columns) {
            if (c == null) {
                body.writeInt(-1);
            } else {
                byte[] b = c.getBytes(StandardCharsets.UTF_8);
                body.writeInt(b.length).writeBytes(b);
            }
        }
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        body.release();
        return message('D', bytes);
    }

    private static PgMessage message(char type, byte[] payload) {
        ByteBuf frame = Unpooled.buffer().writeByte(type).writeInt(payload.length + 4).writeBytes(payload);
        return new PgMessage(frame);
    }
}
