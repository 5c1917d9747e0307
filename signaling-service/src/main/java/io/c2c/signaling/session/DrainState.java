package io.c2c.signaling.session;

import jakarta.enterprise.context.ApplicationScoped;

/** Whether this pod is stopping: it then refuses new connections and readiness is DOWN. */
@ApplicationScoped
public class DrainState {

    private volatile boolean draining;

    public boolean draining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }
}
