package dev.gatehouse.server.files;

import dev.gatehouse.core.content.EntityTag;

/**
 * The file chosen to answer a request: the file itself or a precompressed sibling of it.
 *
 * @param file         the open file, retained: whoever holds the representation releases it once
 * @param name         the requested file's name (the sibling's original), for fingerprint matching
 * @param mediaType    the {@code Content-Type}, from the requested name
 * @param coding       the sibling's content coding ({@code br}, {@code zstd}, {@code gzip}), or null
 * @param varies       whether another coding of the same file exists, so caches must key on
 *                     {@code Accept-Encoding} ({@code Vary})
 * @param etag         a strong validator: the file's modification time and size
 * @param lastModified the modification time, epoch seconds
 */
public record Representation(OpenFile file, String name, String mediaType, String coding, boolean varies,
                             EntityTag etag, long lastModified) {

    /** The representation of {@code file}, its validators made from what was seen when it was opened. */
    static Representation of(OpenFile file, String name, String mediaType, String coding, boolean varies) {
        // Modification time and size, like nginx's ETag (no inode: nodes of a fleet agree on it).
        String opaque = Long.toHexString(file.modifiedMillis()) + "-" + Long.toHexString(file.size())
                + (coding == null ? "" : "-" + coding);
        return new Representation(file, name, mediaType, coding, varies, new EntityTag(false, opaque),
                Math.floorDiv(file.modifiedMillis(), 1000));
    }

    /** The size in bytes. */
    public long size() {
        return file.size();
    }
}
