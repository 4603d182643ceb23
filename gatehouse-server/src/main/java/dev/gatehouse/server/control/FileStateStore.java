package dev.gatehouse.server.control;

import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.StateJson;
import dev.gatehouse.core.state.StateStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Keeps the runtime state in one JSON file, replaced atomically: the new state is written to a
 * temporary file in the same directory, forced to disk, renamed over the old one, and the
 * directory forced too, so that after a crash the file holds either the old state or the new one,
 * whole. Called by the control plane only, one change at a time.
 */
public final class FileStateStore implements StateStore {

    private final Path file;

    /** A store in {@code file}; its directory must exist. */
    public FileStateStore(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    }

    @Override
    public RuntimeState load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return RuntimeState.EMPTY;
        }
        try {
            return StateJson.read(bytes);
        } catch (IOException e) {
            throw new IOException("state file " + file + " is not a valid Gatehouse state: " + e.getMessage(), e);
        }
    }

    @Override
    public void save(RuntimeState state) throws IOException {
        Path dir = file.getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(StateJson.write(state)));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically: " + e.getMessage(), e);
            }
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Makes the rename durable; not every platform lets a directory be opened, which is fine. */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Linux allows it; elsewhere the rename is as durable as the platform makes it.
        }
    }

    @Override
    public String describe() {
        return file.toString();
    }
}
