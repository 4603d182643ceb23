package dev.gatehouse.server.probe;

import io.netty.channel.Channel;
import java.util.function.Consumer;

/** A TCP check: passes when the backend accepts a connection within the timeout, which is then closed. */
final class TcpCheck extends Check {

    TcpCheck(Target target, Consumer<CheckResult> onResult) {
        super(target, onResult);
    }

    @Override
    void initChannel(Channel ch) {
        // Nothing to read or write: accepting the connection is the whole answer.
    }

    @Override
    void connected(Channel ch) {
        finish(CheckResult.passed("connected in " + elapsedMillis() + " ms"));
    }
}
