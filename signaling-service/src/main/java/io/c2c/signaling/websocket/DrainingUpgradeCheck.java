package io.c2c.signaling.websocket;

import io.c2c.signaling.session.DrainState;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/** A stopping pod refuses new WebSocket upgrades with 503, so clients reconnect to another pod. */
@ApplicationScoped
public class DrainingUpgradeCheck implements HttpUpgradeCheck {

    private final DrainState drain;

    public DrainingUpgradeCheck(DrainState drain) {
        this.drain = drain;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (drain.draining()) {
            return CheckResult.rejectUpgrade(503, Map.of("Retry-After", List.of("1")));
        }
        return CheckResult.permitUpgrade();
    }
}
