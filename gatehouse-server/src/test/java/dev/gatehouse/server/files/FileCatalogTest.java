package dev.gatehouse.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file catalog on a real directory, with a hand-moved clock: reuse, change detection, bounds, references. */
final class FileCatalogTest {

    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;
    private final AtomicLong now = new AtomicLong();

    private FileCatalog catalog(int entries) {
        return new FileCatalog(entries, Duration.ofSeconds(1), now::get);
    }

    @Test
    void aFile_isOpenedOnce_andSharedWhileValid() throws Exception {
        Path f = Files.writeString(dir.resolve("a.txt"), "one");
        try (FileCatalog c = catalog(10)) {
            FileCatalog.Found first = c.lookup(f);
            FileCatalog.Found second = c.lookup(f);

            assertThat(first.kind()).isEqualTo(FileCatalog.Kind.FILE);
            assertThat(second.file()).isSameAs(first.file());
            assertThat(first.file().refCount()).isEqualTo(3);
            first.file().release();
            second.file().release();
        }
    }

    @Test
    void aChangedFile_isSeenOnceTheCheckIsOld() throws Exception {
        Path f = Files.writeString(dir.resolve("a.txt"), "one");
        try (FileCatalog c = catalog(10)) {
            OpenFile before = c.lookup(f).file();
            Files.writeString(f, "two, longer");
            Files.setLastModifiedTime(f, FileTime.fromMillis(before.modifiedMillis() + 5000));

            OpenFile stillOld = c.lookup(f).file();
            assertThat(stillOld).as("within the second, no system call").isSameAs(before);
            now.addAndGet(SECOND);
            OpenFile fresh = c.lookup(f).file();

            assertThat(fresh).isNotSameAs(before);
            assertThat(fresh.size()).isEqualTo(11);
            // The old file stays open for those who hold it, and closes with the last of them.
            assertThat(before.channel().isOpen()).isTrue();
            before.release();
            stillOld.release();
            assertThat(before.channel().isOpen()).isFalse();
            fresh.release();
        }
    }

    @Test
    void anUnchangedFile_isKeptAcrossChecks() throws Exception {
        Path f = Files.writeString(dir.resolve("a.txt"), "one");
        try (FileCatalog c = catalog(10)) {
            OpenFile a = c.lookup(f).file();
            now.addAndGet(5 * SECOND);
            OpenFile b = c.lookup(f).file();
            assertThat(b).isSameAs(a);
            a.release();
            b.release();
        }
    }

    @Test
    void missingPathsAndDirectories_areRememberedToo() throws Exception {
        try (FileCatalog c = catalog(10)) {
            assertThat(c.lookup(dir.resolve("none")).kind()).isEqualTo(FileCatalog.Kind.MISSING);
            Files.writeString(dir.resolve("none"), "now it exists");
            assertThat(c.lookup(dir.resolve("none")).kind()).as("within the second").isEqualTo(FileCatalog.Kind.MISSING);
            now.addAndGet(SECOND);
            FileCatalog.Found found = c.lookup(dir.resolve("none"));
            assertThat(found.kind()).isEqualTo(FileCatalog.Kind.FILE);
            found.file().release();
            assertThat(c.lookup(dir).kind()).isEqualTo(FileCatalog.Kind.DIRECTORY);
            assertThat(c.lookup(dir).realPath()).isEqualTo(dir.toRealPath());
        }
    }

    @Test
    void theCatalogIsBounded_andEvictedFilesClose() throws Exception {
        try (FileCatalog c = catalog(4)) {
            OpenFile first = null;
            for (int i = 0; i < 50; i++) {
                OpenFile f = c.lookup(Files.writeString(dir.resolve(i + ".txt"), "x")).file();
                if (i == 0) {
                    first = f;
                } else {
                    f.release();
                }
            }
            assertThat(c.size()).isLessThanOrEqualTo(4);
            // Evicted but still held by "a response": open until released.
            assertThat(first.channel().isOpen()).isTrue();
            first.release();
            assertThat(first.channel().isOpen()).isFalse();
        }
    }

    @Test
    void aSmallFile_isKeptInMemory_aLargerOneIsNot() throws Exception {
        Path small = Files.writeString(dir.resolve("small.css"), "body{}");
        Path large = Files.write(dir.resolve("large.bin"), new byte[FileCatalog.SMALL_FILE + 1]);
        try (FileCatalog c = catalog(10)) {
            OpenFile s = c.lookup(small).file();
            OpenFile l = c.lookup(large).file();
            assertThat(s.bytes()).isEqualTo("body{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(l.bytes()).isNull();
            s.release();
            l.release();
        }
    }

    @Test
    void close_closesEveryFileNoOneHolds() throws Exception {
        Path f = Files.writeString(dir.resolve("a.txt"), "one");
        FileCatalog c = catalog(10);
        OpenFile file = c.lookup(f).file();
        file.release();
        c.close();
        assertThat(file.channel().isOpen()).isFalse();
    }
}
