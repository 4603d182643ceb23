package dev.gatehouse.server.supervisor;

/**
 * Told about every state change of every supervised instance, for example by a deploy that must
 * notice a crash of the new version while it waits for it to become healthy.
 *
 * <p>Called on the supervisor's thread, after the change is visible in
 * {@link Supervisor#instances(String)}, in the order the changes happened. It must return quickly
 * and must not call {@link Supervisor#start} (which waits for that thread); an exception it throws
 * is logged and otherwise ignored.
 */
@FunctionalInterface
public interface InstanceListener {

    /**
     * One instance changed.
     *
     * @param instance the instance as it is now
     */
    void changed(AppInstance instance);
}
