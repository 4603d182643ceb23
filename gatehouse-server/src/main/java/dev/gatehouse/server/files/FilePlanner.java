package dev.gatehouse.server.files;

import dev.gatehouse.core.config.StaticConfig;
import dev.gatehouse.core.content.ByteRange;
import dev.gatehouse.core.content.Conditionals;
import dev.gatehouse.core.content.HeaderView;
import dev.gatehouse.core.content.HttpDates;
import dev.gatehouse.core.content.MultipartRanges;
import dev.gatehouse.core.content.RangeRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a request for a representation into a {@link FilePlan}: the preconditions of RFC 9110 §13
 * ({@code 304}, {@code 412}), then the ranges of §14 ({@code 206}, a {@code multipart/byteranges}
 * body for several, {@code 416}), then the whole file. The decisions themselves are core's
 * ({@link Conditionals}, {@link RangeRequest}); this class only assembles the answer.
 */
public final class FilePlanner {

    /**
     * The most ranges one request may ask for; a longer list gets the whole file (as a server may,
     * RFC 9110 §14.2), so that a list of thousands of tiny ranges cannot multiply the work.
     */
    public static final int MAX_RANGES = 32;

    /**
     * Boundaries must be unpredictable to whoever wrote the file (else it could forge parts); a
     * SecureRandom is thread-safe, and one boundary per multi-range answer is cheap.
     */
    private static final SecureRandom BOUNDARIES = new SecureRandom();

    /** A second and its {@code Date} value. */
    private record DateLine(long second, AsciiString text) {
    }

    /** The last Date written: formatted once a second, not at every answer. */
    private static volatile DateLine lastDate = new DateLine(Long.MIN_VALUE, AsciiString.EMPTY_STRING);

    private FilePlanner() {
    }

    /**
     * The answer to {@code method} (GET or HEAD) for {@code rep}.
     *
     * @param nowEpochSeconds the wall clock, for {@code Date} and for ignoring future dates
     */
    public static FilePlan plan(String method, HeaderView request, Representation rep, StaticConfig config,
                                long nowEpochSeconds) {
        boolean head = method.equals("HEAD");
        HttpHeaders h = new DefaultHttpHeaders(false);
        h.set(HttpHeaderNames.DATE, date(nowEpochSeconds));
        validators(h, rep, config);
        switch (Conditionals.evaluate(method, request, rep.etag(), rep.lastModified(), nowEpochSeconds)) {
            case NOT_MODIFIED -> {
                // A 304 carries what a 200 would have for caches to update (RFC 9110 §15.4.5), no body.
                return new FilePlan(HttpResponseStatus.NOT_MODIFIED, h, List.of(), 0);
            }
            case PRECONDITION_FAILED -> {
                h.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
                return new FilePlan(HttpResponseStatus.PRECONDITION_FAILED, h, List.of(), 0);
            }
            case PROCEED -> { }
        }
        long size = rep.size();
        h.set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        String range = request.first("Range");
        if (range != null && !head && rangeApplies(request, rep, nowEpochSeconds)) {
            RangeRequest.Result r = RangeRequest.parse(range, size, MAX_RANGES);
            if (r instanceof RangeRequest.Unsatisfiable) {
                h.set(HttpHeaderNames.CONTENT_RANGE, RangeRequest.unsatisfiedRange(size));
                h.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
                return new FilePlan(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, h, List.of(), 0);
            }
            if (r instanceof RangeRequest.Ranges ranges) {
                return partial(h, rep, ranges.ranges());
            }
            // Ignored: the whole file, as if there were no Range.
        }
        h.set(HttpHeaderNames.CONTENT_TYPE, rep.typeValue());
        h.set(HttpHeaderNames.CONTENT_LENGTH, rep.contentLength());
        List<FilePlan.Segment> body = head || size == 0 ? List.of() : List.of(new FilePlan.Region(0, size));
        return new FilePlan(HttpResponseStatus.OK, h, body, size);
    }

    /** A Range counts only on an unconditional request or one whose If-Range still matches (§13.1.5). */
    private static boolean rangeApplies(HeaderView request, Representation rep, long now) {
        String ifRange = request.first("If-Range");
        return ifRange == null || Conditionals.ifRangeAllows(ifRange, rep.etag(), rep.lastModified(), now);
    }

    private static FilePlan partial(HttpHeaders h, Representation rep, List<ByteRange> ranges) {
        long size = rep.size();
        if (ranges.size() == 1) {
            ByteRange r = ranges.get(0);
            h.set(HttpHeaderNames.CONTENT_TYPE, rep.typeValue());
            h.set(HttpHeaderNames.CONTENT_RANGE, RangeRequest.contentRange(r, size));
            h.set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(r.length()));
            return new FilePlan(HttpResponseStatus.PARTIAL_CONTENT, h, List.of(new FilePlan.Region(r.first(), r.length())),
                    r.length());
        }
        String boundary = MultipartRanges.boundary(BOUNDARIES);
        List<FilePlan.Segment> body = new ArrayList<>(ranges.size() * 2 + 1);
        long length = 0;
        for (int i = 0; i < ranges.size(); i++) {
            ByteRange r = ranges.get(i);
            byte[] partHead = MultipartRanges.partHead(boundary, rep.mediaType(), r, size, i == 0);
            body.add(new FilePlan.Bytes(partHead));
            body.add(new FilePlan.Region(r.first(), r.length()));
            length += partHead.length + r.length();
        }
        byte[] closing = MultipartRanges.closing(boundary);
        body.add(new FilePlan.Bytes(closing));
        length += closing.length;
        h.set(HttpHeaderNames.CONTENT_TYPE, MultipartRanges.contentType(boundary));
        h.set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(length));
        return new FilePlan(HttpResponseStatus.PARTIAL_CONTENT, h, body, length);
    }

    /** The fields every answer about the representation carries: validators, caching, coding, Vary. */
    private static void validators(HttpHeaders h, Representation rep, StaticConfig config) {
        h.set(HttpHeaderNames.ETAG, rep.etagValue());
        if (rep.lastModifiedText() != null) {
            h.set(HttpHeaderNames.LAST_MODIFIED, rep.lastModifiedText());
        }
        String cacheControl = cacheControl(config, rep.name());
        if (cacheControl != null) {
            h.set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        }
        if (rep.coding() != null) {
            h.set(HttpHeaderNames.CONTENT_ENCODING, rep.coding());
        }
        if (rep.varies()) {
            h.set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        }
    }

    /** {@code Date} for {@code epochSeconds}, the string of the second before reused. */
    static AsciiString date(long epochSeconds) {
        DateLine last = lastDate;
        if (last.second() == epochSeconds) {
            return last.text();
        }
        DateLine now = new DateLine(epochSeconds, new AsciiString(HttpDates.format(epochSeconds)));
        lastDate = now;
        return now.text();
    }

    /** The route's {@code Cache-Control} for a file named {@code name}, or null for none. */
    static String cacheControl(StaticConfig config, String name) {
        if (config.immutable() && config.fingerprint().matcher(name).find()) {
            return "public, max-age=" + StaticConfig.IMMUTABLE_MAX_AGE.toSeconds() + ", immutable";
        }
        return config.maxAge() == null ? null : "public, max-age=" + config.maxAge().toSeconds();
    }
}
