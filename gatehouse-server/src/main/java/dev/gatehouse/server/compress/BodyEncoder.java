package dev.gatehouse.server.compress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.BrotliMode;
import io.netty.handler.codec.compression.BrotliEncoder;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.handler.codec.compression.ZstdEncoder;

/**
 * One response body's content coding, part by part: Netty's encoders (gzip through the JDK's
 * zlib, brotli through brotli4j, zstd through zstd-jni) run in an embedded channel, as Netty's own
 * HTTP compressor runs them. Levels are the on-the-fly ones Netty and the common servers use:
 * gzip 6, brotli 4, zstd 3. Loop-confined; {@link #release()} once.
 */
public final class BodyEncoder {

    private final EmbeddedChannel channel;
    private final String coding;

    private BodyEncoder(String coding, ChannelHandler encoder) {
        this.coding = coding;
        this.channel = new EmbeddedChannel(encoder);
    }

    /** An encoder for {@code coding} ({@code br}, {@code zstd} or {@code gzip}), which must be {@link Codings#available}. */
    public static BodyEncoder of(String coding) {
        return switch (coding) {
            case "gzip" -> new BodyEncoder(coding, ZlibCodecFactory.newZlibEncoder(ZlibWrapper.GZIP, 6, 15, 8));
            case "br" -> new BodyEncoder(coding, new BrotliEncoder(StandardCompressionOptions.brotli(4, 22, BrotliMode.TEXT)));
            case "zstd" -> new BodyEncoder(coding, new ZstdEncoder(3, 64 * 1024, 32 * 1024 * 1024));
            default -> throw new IllegalArgumentException("coding: " + coding);
        };
    }

    /** The coding. */
    public String coding() {
        return coding;
    }

    /**
     * Codes a part of the body. Takes ownership of {@code part}.
     *
     * @return what the encoder gives out now (possibly empty: it may hold bytes for the next part)
     */
    public ByteBuf encode(ByteBuf part) {
        channel.writeOutbound(part);
        return drain();
    }

    /** Ends the body: what the encoder still held, and the coding's trailer. */
    public ByteBuf finish() {
        channel.finish();
        return drain();
    }

    /** Gives back what the encoder holds; safe after {@link #finish()}. */
    public void release() {
        channel.finishAndReleaseAll();
    }

    private ByteBuf drain() {
        ByteBuf first = channel.readOutbound();
        if (first == null) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf next = channel.readOutbound();
        if (next == null) {
            return first;
        }
        CompositeByteBuf all = channel.alloc().compositeBuffer();
        all.addComponent(true, first);
        do {
            all.addComponent(true, next);
        } while ((next = channel.readOutbound()) != null);
        return all;
    }
}
