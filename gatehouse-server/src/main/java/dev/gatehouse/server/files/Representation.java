package dev.gatehouse.server.files;

import dev.gatehouse.core.content.EntityTag;
import dev.gatehouse.core.content.HttpDates;
import dev.gatehouse.core.content.MediaTypes;
import io.netty.util.AsciiString;

/**
 * The file chosen to answer a request: the file itself or a precompressed sibling of it. Its texts
 * (ETag, Last-Modified, Content-Type, Content-Length) are made once per open file, not per answer.
 *
 * @param file         the open file, retained: whoever holds the representation releases it once
 * @param name         the requested file's name (the sibling's original), for fingerprint matching
 * @param mediaType    the {@code Content-Type}, from the requested name
 * @param coding       the sibling's content coding ({@code br}, {@code zstd}, {@code gzip}), or null
 * @param varies       whether another coding of the same file exists, so caches must key on
 *                     {@code Accept-Encoding} ({@code Vary})
 * @param etag         a strong validator: the file's modification time and size
 * @param lastModified the modification time, epoch seconds
 * @param lastModifiedText its HTTP-date, or null when none can name it
 * @param contentLength the whole representation's length, as a header value
 * @param typeValue    the Content-Type value
 * @param etagValue    the ETag value
 */
public record Representation(OpenFile file, String name, String mediaType, String coding, boolean varies,
                             EntityTag etag, long lastModified, AsciiString lastModifiedText, AsciiString contentLength,
                             AsciiString typeValue, AsciiString etagValue) {

    /** The representation of {@code file}, its validators made from what was seen when it was opened. */
    static Representation of(OpenFile file, String name, String coding, boolean varies) {
        OpenFile.Texts t = file.texts(name, coding, () -> texts(file, name, coding));
        return new Representation(file, name, t.mediaType(), coding, varies, t.etag(),
                Math.floorDiv(file.modifiedMillis(), 1000), t.lastModified(), t.contentLength(), t.typeValue(), t.etagValue());
    }

    private static OpenFile.Texts texts(OpenFile file, String name, String coding) {
        // Modification time and size, like nginx's ETag (no inode: nodes of a fleet agree on it).
        String opaque = Long.toHexString(file.modifiedMillis()) + "-" + Long.toHexString(file.size())
                + (coding == null ? "" : "-" + coding);
        long seconds = Math.floorDiv(file.modifiedMillis(), 1000);
        // A file's time can be anything (touch -d); one no HTTP-date can name is left out.
        AsciiString lastModified = seconds >= HttpDates.MIN_FORMATTABLE && seconds <= HttpDates.MAX_FORMATTABLE
                ? new AsciiString(HttpDates.format(seconds)) : null;
        String type = MediaTypes.forFileName(name);
        EntityTag etag = new EntityTag(false, opaque);
        return new OpenFile.Texts(name, coding, type, etag, lastModified, new AsciiString(Long.toString(file.size())),
                new AsciiString(type), new AsciiString(etag.toString()));
    }

    /** The size in bytes. */
    public long size() {
        return file.size();
    }
}
