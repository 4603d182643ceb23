package dev.gatehouse.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.Appender;
import ch.qos.logback.classic.AsyncAppender;
import dev.gatehouse.core.config.AccessLogConfig;
import dev.gatehouse.server.log.AccessLog;
import org.slf4j.LoggerFactory;

/**
 * Points the access log where the configuration says. The default (logback.xml) writes it to
 * standard output through an asynchronous appender; a file path replaces that with a file.
 */
final class Logging {

    private Logging() {
    }

    /**
     * @throws IllegalArgumentException when the access log file cannot be opened
     */
    static void configureAccessLog(AccessLogConfig config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger access = context.getLogger(AccessLog.LOGGER);
        if (!config.enabled()) {
            access.setLevel(ch.qos.logback.classic.Level.OFF);
            return;
        }
        if ("stdout".equals(config.path())) {
            return;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(context);
        file.setName("ACCESS_FILE");
        file.setFile(config.path());
        file.setAppend(true);
        file.setEncoder(encoder);
        file.start();
        if (!file.isStarted()) {
            throw new IllegalArgumentException("cannot open the access log file " + config.path());
        }
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("ACCESS_FILE_ASYNC");
        async.setQueueSize(8192);
        async.setNeverBlock(true);
        async.addAppender(file);
        async.start();
        for (var it = access.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> a = it.next();
            access.detachAppender(a);
        }
        access.addAppender(async);
    }
}
