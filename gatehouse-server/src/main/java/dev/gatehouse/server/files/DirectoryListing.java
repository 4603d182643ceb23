package dev.gatehouse.server.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTML page of a directory without an index file, on a route that asks for listings: names
 * sorted, directories with a trailing slash, every name escaped for HTML and percent-encoded in its
 * link, dotfiles left out unless the route serves them. Bounded: a directory with more than
 * {@value #MAX_ENTRIES} entries lists the first ones in directory order and says so.
 */
public final class DirectoryListing {

    /** The most entries listed: a page must stay small whatever is in the directory. */
    static final int MAX_ENTRIES = 5000;

    private DirectoryListing() {
    }

    /**
     * The page for {@code directory}, shown at {@code requestPath} (decoded, ending with {@code /}).
     *
     * @throws IOException when the directory cannot be read
     */
    public static byte[] render(Path directory, String requestPath, boolean dotfiles) throws IOException {
        List<String> names = new ArrayList<>();
        boolean cut = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!dotfiles && name.startsWith(".")) {
                    continue;
                }
                if (names.size() == MAX_ENTRIES) {
                    cut = true;
                    break;
                }
                names.add(Files.isDirectory(p) ? name + "/" : name);
            }
        }
        names.sort(null);
        StringBuilder b = new StringBuilder(256 + names.size() * 64);
        String title = "Index of " + escape(requestPath);
        b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(title)
                .append("</title></head>\n<body><h1>").append(title).append("</h1>\n<ul>\n");
        if (!requestPath.equals("/")) {
            b.append("<li><a href=\"../\">../</a></li>\n");
        }
        for (String name : names) {
            b.append("<li><a href=\"").append(href(name)).append("\">").append(escape(name)).append("</a></li>\n");
        }
        b.append("</ul>\n");
        if (cut) {
            b.append("<p>Only the first ").append(MAX_ENTRIES).append(" entries are listed.</p>\n");
        }
        b.append("</body></html>\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Escapes the characters that mean something in HTML text and attribute values. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A relative link to {@code name}: every byte but unreserved ones and a final slash percent-encoded. */
    static String href(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(bytes.length * 3);
        // "./" first: a name with a colon must not read as a scheme.
        b.append("./");
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xFF;
            boolean last = i == bytes.length - 1;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~' || (c == '/' && last)) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return b.toString();
    }
}
