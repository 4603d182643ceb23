package dev.gatehouse.server.files;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.util.List;

/**
 * Sends a {@link FilePlan}'s body. On a plaintext HTTP/1.1 connection a file range past
 * {@value #ZERO_COPY_MIN} bytes goes out as a {@link io.netty.channel.FileRegion}: the kernel copies
 * it from the page cache to the socket ({@code sendfile}), and no byte passes through the JVM. A
 * smaller one is read (from the open file's copy in memory when it has one) and written with the
 * head, in one segment. Everywhere else (TLS, which must encrypt
 * every byte, and HTTP/2 streams, which frame them) the file is read in chunks into pooled buffers
 * and written only while the client takes them: a slow client holds at most about one chunk plus
 * the channel's high-water mark, never the file. Loop-confined; {@link #release()} exactly once.
 */
public final class FileBody {

    /** Read size for chunked sending: two TLS records' worth, few enough reads per megabyte. */
    static final int CHUNK = 32 * 1024;
    /**
     * Ranges up to this long are read and written with the head, even where a file region could go:
     * one write and one TCP segment for head and body, where a region costs a second system call
     * and a second segment, which for a small file is most of the work.
     */
    static final int ZERO_COPY_MIN = 64 * 1024;

    /** Where the body goes: the client side of the exchange. */
    public interface Sink {
        /** Queues a message (content, or a file region). */
        void write(Object message);

        /** Sends what was queued. */
        void flush();

        /** Whether the client takes more now. */
        boolean isWritable();

        /** The allocator for chunks. */
        ByteBufAllocator alloc();
    }

    private final OpenFile file;
    private final List<FilePlan.Segment> segments;
    private final Sink sink;
    private final boolean zeroCopy;
    private int segment;
    /** Bytes of the current segment already queued. */
    private long done;
    private long written;
    private boolean released;
    /** A {@link #send()} is on the stack (its flush may call back). */
    private boolean sending;
    /** The end was queued. */
    private boolean ended;

    /**
     * @param file     the file, retained: this body releases it ({@link #release()})
     * @param zeroCopy whether file ranges may go as file regions (plaintext HTTP/1.1 only)
     */
    public FileBody(OpenFile file, List<FilePlan.Segment> segments, Sink sink, boolean zeroCopy) {
        this.file = file;
        this.segments = segments;
        this.sink = sink;
        this.zeroCopy = zeroCopy;
    }

    /**
     * Queues as much of the body as the client takes now, and the end once all of it is queued.
     *
     * Safe to call again from inside its own flush (a writability event): that call does nothing
     * and returns false, and the outer call goes on.
     *
     * @return true when the whole body (and its end) is queued; false when the client must drain
     *         first ({@link #send()} again once it is writable), or when called from inside a send
     * @throws IOException when the file can no longer be read, or shrank below what was promised
     */
    public boolean send() throws IOException {
        if (sending) {
            // Called from inside our own flush: the client drained at once and said it is writable
            // again. The call on the stack below goes on; this one must not queue anything.
            return false;
        }
        if (ended) {
            return true;
        }
        sending = true;
        try {
            return sendSegments();
        } finally {
            sending = false;
        }
    }

    private boolean sendSegments() throws IOException {
        while (segment < segments.size()) {
            if (!sink.isWritable()) {
                sink.flush();
                if (!sink.isWritable()) {
                    return false;
                }
                continue;
            }
            FilePlan.Segment s = segments.get(segment);
            if (s instanceof FilePlan.Bytes b) {
                sink.write(new DefaultHttpContent(Unpooled.wrappedBuffer(b.bytes())));
                next(b.length());
            } else if (s instanceof FilePlan.Region r) {
                if (zeroCopy && r.length() > ZERO_COPY_MIN) {
                    // The region holds its own reference; the kernel reads the file when it is sent.
                    if (!file.tryRetain()) {
                        throw new IOException("file closed: " + file.realPath());
                    }
                    sink.write(new SharedFileRegion(file, r.position(), r.length()));
                    next(r.length());
                } else {
                    chunk(r);
                }
            }
        }
        ended = true;
        sink.write(LastHttpContent.EMPTY_LAST_CONTENT);
        sink.flush();
        return true;
    }

    private void chunk(FilePlan.Region r) throws IOException {
        byte[] small = file.bytes();
        if (small != null) {
            // A small file's bytes were read when it was opened: no read now.
            sink.write(new DefaultHttpContent(Unpooled.wrappedBuffer(small, (int) r.position(), (int) r.length())));
            written += r.length();
            segment++;
            done = 0;
            return;
        }
        int n = (int) Math.min(CHUNK, r.length() - done);
        ByteBuf buf = sink.alloc().ioBuffer(n);
        try {
            long position = r.position() + done;
            int read = 0;
            while (read < n) {
                int got = buf.writeBytes(file.channel(), position + read, n - read);
                if (got < 0) {
                    throw new IOException(file.realPath() + " shrank while being sent: " + (position + read)
                            + " bytes, " + r.length() + " promised");
                }
                read += got;
            }
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
        sink.write(new DefaultHttpContent(buf));
        done += n;
        written += n;
        if (done == r.length()) {
            segment++;
            done = 0;
        }
    }

    private void next(long length) {
        written += length;
        segment++;
        done = 0;
    }

    /** Body bytes queued so far. */
    public long written() {
        return written;
    }

    /** Gives the file back; later calls do nothing. */
    public void release() {
        if (!released) {
            released = true;
            file.release();
        }
    }

    /**
     * A region of a shared file: Netty's region closes its file when released, but this file is the
     * catalog's and other responses', so releasing the region gives back one reference instead.
     */
    private static final class SharedFileRegion extends DefaultFileRegion {
        private final OpenFile shared;

        SharedFileRegion(OpenFile file, long position, long count) {
            super(file.channel(), position, count);
            this.shared = file;
        }

        @Override
        protected void deallocate() {
            shared.release();
        }
    }
}
