package dev.gatehouse.core.content;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

final class MediaTypesTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "index.html        | text/html; charset=utf-8",
            "page.htm          | text/html; charset=utf-8",
            "site.css          | text/css; charset=utf-8",
            "app.js            | text/javascript; charset=utf-8",
            "mod.mjs           | text/javascript; charset=utf-8",
            "data.json         | application/json; charset=utf-8",
            "app.js.map        | application/json; charset=utf-8",
            "notes.txt         | text/plain; charset=utf-8",
            "feed.xml          | application/xml; charset=utf-8",
            "logo.svg          | image/svg+xml; charset=utf-8",
            "README.md         | text/markdown; charset=utf-8",
            "table.csv         | text/csv; charset=utf-8",
            "cal.ics           | text/calendar; charset=utf-8",
            "feed.rss          | application/rss+xml; charset=utf-8",
            "feed.atom         | application/atom+xml; charset=utf-8",
            "site.webmanifest  | application/manifest+json; charset=utf-8",
            "meta.jsonld       | application/ld+json; charset=utf-8",
            "a.png             | image/png",
            "a.apng            | image/apng",
            "a.jpg             | image/jpeg",
            "a.jpeg            | image/jpeg",
            "a.gif             | image/gif",
            "a.webp            | image/webp",
            "a.avif            | image/avif",
            "a.heic            | image/heic",
            "favicon.ico       | image/x-icon",
            "a.bmp             | image/bmp",
            "a.tiff            | image/tiff",
            "a.tif             | image/tiff",
            "f.woff            | font/woff",
            "f.woff2           | font/woff2",
            "f.ttf             | font/ttf",
            "f.otf             | font/otf",
            "f.eot             | application/vnd.ms-fontobject",
            "doc.pdf           | application/pdf",
            "a.zip             | application/zip",
            "a.tar.gz          | application/gzip",
            "a.br              | application/x-brotli",
            "a.zst             | application/zstd",
            "a.tar             | application/x-tar",
            "m.wasm            | application/wasm",
            "v.mp4             | video/mp4",
            "v.webm            | video/webm",
            "a.ogg             | audio/ogg",
            "a.mp3             | audio/mpeg",
            "a.wav             | audio/wav",
            "a.m4a             | audio/mp4",
            "a.flac            | audio/flac",
            "v.mov             | video/quicktime",
            "v.avi             | video/x-msvideo",
            "v.mkv             | video/x-matroska",
    })
    void forFileName_coversTheWebsCommonTypes(String name, String type) {
        assertThat(MediaTypes.forFileName(name)).isEqualTo(type);
    }

    @ParameterizedTest
    @ValueSource(strings = {"INDEX.HTML", "index.Html", "dir/INDEX.HTML", "/a.b/index.html", "x.y.html"})
    void forFileName_readsTheLastExtension_caseInsensitively(String name) {
        assertThat(MediaTypes.forFileName(name)).isEqualTo("text/html; charset=utf-8");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "README", "file.", "file.unknownext", ".html", ".htaccess", "dir.html/README", "dir/.css",
            "a.h tml", "a.html\u0000", "a.htm\u0130", "a.averyveryverylongextension"})
    void forFileName_isOctetStream_withoutAKnownExtension(String name) {
        assertThat(MediaTypes.forFileName(name)).isEqualTo(MediaTypes.DEFAULT).isEqualTo("application/octet-stream");
    }

    @Test
    void forFileName_doesNotLowerCaseByTheDefaultLocale() {
        // In a Turkish locale "I".toLowerCase() is a dotless i; the table lookup must not depend on it.
        assertThat(MediaTypes.forFileName("A.GIF")).isEqualTo("image/gif");
        assertThat(MediaTypes.forFileName("A.TIFF")).isEqualTo("image/tiff");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/html", "text/html; charset=utf-8", "TEXT/HTML", " text/css ; charset=utf-8", "text/plain",
            "text/javascript", "application/javascript", "application/json", "application/ld+json", "application/xml",
            "image/svg+xml", "application/rss+xml", "application/manifest+json", "application/wasm", "font/ttf", "font/otf",
            "application/vnd.ms-fontobject", "text/csv", "text/markdown", "application/yaml", "image/bmp", "image/x-icon"})
    void compressible_textAndUncompressedFormats(String type) {
        assertThat(MediaTypes.compressible(type)).isTrue();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "text", "text/", "image/png", "image/jpeg", "image/webp", "image/avif", "image/gif",
            "video/mp4", "audio/mpeg", "application/zip", "application/gzip", "application/zstd", "application/x-brotli",
            "font/woff", "font/woff2", "application/pdf", "application/octet-stream", "application/epub+zip",
            "text/event-stream", "text/event-stream; charset=utf-8", "application/jsonx", "nonsense"})
    void compressible_notAlreadyCompressedOrUnknownTypes(String type) {
        assertThat(MediaTypes.compressible(type)).isFalse();
    }

    @Test
    void everyTableType_isCompressibleExactlyWhenTheRulesSay() {
        // The charset goes with textual types, and every textual type compresses.
        for (String name : new String[] {"a.html", "a.css", "a.js", "a.json", "a.svg", "a.xml", "a.txt", "a.md"}) {
            assertThat(MediaTypes.compressible(MediaTypes.forFileName(name))).as(name).isTrue();
        }
        for (String name : new String[] {"a.png", "a.woff2", "a.mp4", "a.zip", "a.gz", "a.br", "a.zst", "a.unknown"}) {
            assertThat(MediaTypes.compressible(MediaTypes.forFileName(name))).as(name).isFalse();
        }
    }
}
