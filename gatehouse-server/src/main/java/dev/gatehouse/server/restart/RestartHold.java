package dev.gatehouse.server.restart;

import dev.gatehouse.server.deploy.Deploys;
import java.util.Objects;

/**
 * What holds a node still while a new process takes over: no deploy or rollback starts
 * ({@link Deploys#holdAll}) and every runtime change or reload is refused ({@link #refuseIfHeld},
 * a check of the control plane), since the new process has already read the state file.
 */
public final class RestartHold implements NodeRestart.Hold {

    private final Deploys deploys;
    private volatile boolean held;

    /** @param deploys the node's deploys */
    public RestartHold(Deploys deploys) {
        this.deploys = Objects.requireNonNull(deploys, "deploys");
    }

    @Override
    public String hold() {
        String busy = deploys.holdAll("a node restart");
        if (busy == null) {
            held = true;
        }
        return busy;
    }

    @Override
    public void release() {
        held = false;
        deploys.releaseAll();
    }

    /** For the control plane's checks before a change. @throws Restarting while held */
    public void refuseIfHeld() {
        if (held) {
            throw new Restarting();
        }
    }
}
