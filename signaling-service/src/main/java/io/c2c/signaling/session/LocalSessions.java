package io.c2c.signaling.session;

import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The connections of this pod, by connection id and (once welcomed) by peer id. * A {@code @Singleton}, injected without a client proxy: it is on every message's path.
 */
@Singleton
public class LocalSessions {

    private final Map<String, PeerSession> byConnection = new ConcurrentHashMap<>();
    private final Map<String, PeerSession> byPeer = new ConcurrentHashMap<>();

    public void opened(String wsConnectionId, PeerSession session) {
        byConnection.put(wsConnectionId, session);
    }

    public PeerSession byConnection(String wsConnectionId) {
        return byConnection.get(wsConnectionId);
    }

    public PeerSession byPeer(String peerId) {
        return byPeer.get(peerId);
    }

    /** Binds the peer id to this session; returns the session it replaces on this pod, if any. */
    public PeerSession bind(PeerSession session) {
        return byPeer.put(session.peerId(), session);
    }

    public void closed(String wsConnectionId, PeerSession session) {
        byConnection.remove(wsConnectionId, session);
        if (session.peerId() != null) {
            byPeer.remove(session.peerId(), session);
        }
    }

    public Collection<PeerSession> all() {
        return byConnection.values();
    }

    public Collection<PeerSession> peers() {
        return byPeer.values();
    }

    public int size() {
        return byConnection.size();
    }
}
