package dev.gatehouse.server.control;

import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.StateStore;
import java.io.IOException;

/**
 * A {@link StateStore} on a disk that fills up, for tests of changes that cannot be saved: it
 * loads and saves through another store until {@link #fill()}, and from then on every save fails
 * with "No space left on device".
 */
public final class FullDiskStore implements StateStore {

    private final StateStore disk;
    private final String description;
    private volatile boolean full;

    private FullDiskStore(StateStore disk, String description, boolean full) {
        this.disk = disk;
        this.description = description;
        this.full = full;
    }

    /** A store that is full from the start and has nothing saved. */
    public static FullDiskStore full() {
        return new FullDiskStore(StateStore.NONE, "a full disk", true);
    }

    /** A store that keeps the state in {@code disk} until {@link #fill()}. */
    public static FullDiskStore on(StateStore disk) {
        return new FullDiskStore(disk, disk.describe(), false);
    }

    /** From now on, every save fails. */
    public void fill() {
        full = true;
    }

    @Override
    public RuntimeState load() throws IOException {
        return disk.load();
    }

    @Override
    public void save(RuntimeState state) throws IOException {
        if (full) {
            throw new IOException("No space left on device");
        }
        disk.save(state);
    }

    @Override
    public String describe() {
        return description;
    }
}
