package dev.gatehouse.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file body sent in chunks to a client whose writability changes while the body flushes, as a
 * socket that drains at once makes it: the writability event calls {@link FileBody#send()} from
 * inside its own flush, and the body must still go out once, in order, with one end.
 */
final class FileBodyTest {

    @TempDir
    Path dir;

    @Test
    void aSendCalledFromInsideItsOwnFlush_queuesNothing_andTheBodyEndsOnce() throws Exception {
        String text = "0123456789".repeat(10_000); // 100 kB: four chunks, not kept in memory
        Path f = Files.writeString(dir.resolve("big.txt"), text);
        try (FileCatalog catalog = new FileCatalog(10, Duration.ofSeconds(1), System::nanoTime)) {
            OpenFile file = catalog.lookup(f).file();
            EchoingSink sink = new EchoingSink();
            FileBody body = new FileBody(file, List.of(new FilePlan.Region(0, text.length())), sink, false);
            sink.body = body;
            try {
                // Unwritable after every chunk; each flush drains it and calls send() back.
                boolean done = body.send();
                while (!done) {
                    sink.writable = true;
                    done = body.send();
                }
                assertThat(sink.nestedCalls).as("send() called back from inside a flush").isPositive();
                assertThat(sink.ends).isEqualTo(1);
                assertThat(sink.text()).isEqualTo(text);
                assertThat(body.send()).as("a send after the end queues nothing").isTrue();
                assertThat(sink.ends).isEqualTo(1);
            } finally {
                body.release();
                sink.releaseAll();
            }
        }
    }

    /** Goes unwritable after each chunk; its flush drains and calls the body back, as Netty's would. */
    private static final class EchoingSink implements FileBody.Sink {
        FileBody body;
        boolean writable = true;
        int nestedCalls;
        int ends;
        private final List<ByteBuf> chunks = new ArrayList<>();

        @Override
        public void write(Object message) {
            if (message instanceof LastHttpContent) {
                ends++;
            } else if (message instanceof HttpContent c) {
                chunks.add(c.content());
                writable = false;
            } else {
                ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void flush() {
            writable = true;
            nestedCalls++;
            try {
                assertThat(body.send()).isFalse();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean isWritable() {
            return writable;
        }

        @Override
        public ByteBufAllocator alloc() {
            return UnpooledByteBufAllocator.DEFAULT;
        }

        String text() {
            StringBuilder b = new StringBuilder();
            chunks.forEach(c -> b.append(c.toString(StandardCharsets.US_ASCII)));
            return b.toString();
        }

        void releaseAll() {
            chunks.forEach(ByteBuf::release);
        }
    }
}
