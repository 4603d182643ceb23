package dev.gatehouse.server.files;

import dev.gatehouse.core.config.StaticConfig;
import dev.gatehouse.core.content.AcceptEncoding;
import dev.gatehouse.core.content.MediaTypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the file that answers a request below a static root: the named file, a directory's index
 * file, or a precompressed sibling the client accepts. A file whose real path leaves the root (a
 * symbolic link pointing out) does not exist unless the route allows it. Thread-safe.
 */
public final class FileLookup {

    /** What a lookup found. */
    public sealed interface Result permits Found, NotFound, AddSlash, Listing {
    }

    /** A file answers; its representation is retained for the caller. */
    public record Found(Representation representation) implements Result {
    }

    /** Nothing answers. */
    public record NotFound() implements Result {
    }

    /** The path names a directory without the final slash: the client is sent to the path with it. */
    public record AddSlash() implements Result {
    }

    /** A directory without an index file, on a route with listings. */
    public record Listing(Path directory) implements Result {
    }

    private static final NotFound NOT_FOUND = new NotFound();
    private static final String IDENTITY = "identity";

    private final FileCatalog catalog;
    /**
     * The roots' paths by their text, parsed once: routes name a handful, one per live version of a
     * versioned root, so the map stays as small as the deploys kept.
     */
    private final java.util.concurrent.ConcurrentMap<String, Path> roots = new java.util.concurrent.ConcurrentHashMap<>();

    public FileLookup(FileCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * The real path of {@code config}'s root for {@code version} (null when the root does not name
     * one), or null when it is not a directory now.
     */
    public Path root(StaticConfig config, String version) {
        String root = config.root();
        if (config.versioned()) {
            // A version is [A-Za-z0-9._-]; these two would climb or stay, not name a release.
            if (version == null || version.equals(".") || version.equals("..")) {
                return null;
            }
            root = root.replace(StaticConfig.VERSION_PLACEHOLDER, version);
        }
        FileCatalog.Found f = catalog.lookup(roots.computeIfAbsent(root, Path::of));
        return f.kind() == FileCatalog.Kind.DIRECTORY ? f.realPath() : null;
    }

    /**
     * Finds what answers {@code segments} below {@code root}.
     *
     * @param root      the root's real path ({@link #root})
     * @param segments  the decoded, checked path segments below the root
     * @param directory whether the request path ends with {@code /}
     * @param accepted  the client's {@code Accept-Encoding}, read only when a sibling may answer
     */
    public Result find(StaticConfig config, Path root, List<String> segments, boolean directory,
                       java.util.function.Supplier<AcceptEncoding> accepted) {
        Path path = root;
        for (String s : segments) {
            path = path.resolve(s);
        }
        FileCatalog.Found f = catalog.lookup(path);
        switch (f.kind()) {
            case MISSING -> {
                return NOT_FOUND;
            }
            case FILE -> {
                if (directory) {
                    // "/file.txt/" names nothing, as on any file system.
                    f.file().release();
                    return NOT_FOUND;
                }
                if (!inside(config, root, f.realPath())) {
                    f.file().release();
                    return NOT_FOUND;
                }
                String name = segments.isEmpty() ? "" : segments.get(segments.size() - 1);
                return new Found(choose(config, root, path, name, f.file(), accepted));
            }
            default -> {
                if (!inside(config, root, f.realPath())) {
                    return NOT_FOUND;
                }
                if (!directory && !segments.isEmpty()) {
                    return new AddSlash();
                }
                for (String index : config.index()) {
                    FileCatalog.Found i = catalog.lookup(path.resolve(index));
                    if (i.kind() == FileCatalog.Kind.FILE) {
                        if (inside(config, root, i.realPath())) {
                            return new Found(choose(config, root, path.resolve(index), index, i.file(), accepted));
                        }
                        i.file().release();
                    }
                }
                return config.listing() ? new Listing(f.realPath()) : NOT_FOUND;
            }
        }
    }

    private static boolean inside(StaticConfig config, Path root, Path real) {
        return config.symlinksOutsideRoot() || real.startsWith(root);
    }

    /**
     * The file itself, or the precompressed sibling the client prefers (ties go to the route's order,
     * then to no coding). {@code file} is retained; whichever file is not returned is released.
     */
    private Representation choose(StaticConfig config, Path root, Path path, String name, OpenFile file,
                                  java.util.function.Supplier<AcceptEncoding> accepted) {
        if (config.precompressed().isEmpty() || !MediaTypes.compressible(MediaTypes.forFileName(name))) {
            return Representation.of(file, name, null, false);
        }
        String fileName = path.getFileName().toString();
        List<String> offered = new ArrayList<>(config.precompressed().size() + 1);
        List<OpenFile> siblings = new ArrayList<>(config.precompressed().size());
        for (String coding : config.precompressed()) {
            FileCatalog.Found sibling = catalog.lookup(path.resolveSibling(fileName + StaticConfig.suffix(coding)));
            if (sibling.kind() != FileCatalog.Kind.FILE) {
                continue;
            }
            if (!inside(config, root, sibling.realPath())) {
                sibling.file().release();
                continue;
            }
            offered.add(coding);
            siblings.add(sibling.file());
        }
        if (offered.isEmpty()) {
            return Representation.of(file, name, null, false);
        }
        offered.add(IDENTITY);
        String pick = accepted.get().choose(offered);
        Representation chosen = null;
        for (int i = 0; i < siblings.size(); i++) {
            if (offered.get(i).equals(pick)) {
                chosen = Representation.of(siblings.get(i), name, pick, true);
            } else {
                siblings.get(i).release();
            }
        }
        if (chosen != null) {
            file.release();
            return chosen;
        }
        // No coding, or none the client takes (not even identity): the file as it is, as nginx does.
        return Representation.of(file, name, null, true);
    }
}
