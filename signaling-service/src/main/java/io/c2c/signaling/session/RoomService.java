package io.c2c.signaling.session;

import io.c2c.signaling.config.SignalingConfig;
import io.c2c.signaling.protocol.ErrorCode;
import io.c2c.signaling.protocol.MessageEncoder;
import io.c2c.signaling.protocol.ProtocolException;
import io.c2c.signaling.protocol.in.Join;
import io.c2c.signaling.protocol.in.Leave;
import io.c2c.signaling.protocol.out.Joined;
import io.c2c.signaling.protocol.out.Left;
import io.c2c.signaling.protocol.out.MemberJoined;
import io.c2c.signaling.protocol.out.MemberLeft;
import io.c2c.signaling.routing.PeerRouter;
import io.c2c.signaling.routing.RedisKeys;
import io.c2c.signaling.routing.RedisScripts;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Named rooms inside a site. Membership changes are atomic in Redis and return the member list of
 * that instant, so every member's view (joined list plus member-joined / member-left notices) ends
 * up equal to the room's set in Redis.
 */
@ApplicationScoped
public class RoomService {

    private final RedisScripts scripts;
    private final PeerRouter router;
    private final String maxMembers;
    private final String maxRooms;
    private final String ttl;

    public RoomService(RedisScripts scripts, PeerRouter router, SignalingConfig config) {
        this.scripts = scripts;
        this.router = router;
        this.maxMembers = Integer.toString(config.maxRoomMembers());
        this.maxRooms = Integer.toString(config.maxRoomsPerPeer());
        this.ttl = Long.toString(Math.max(config.presenceTtl().toMillis(), config.resumeGrace().toMillis()) * 2);
    }

    public Uni<Void> join(PeerSession session, Join join) {
        String peer = session.peerId();
        return scripts.run(RedisScripts.JOIN,
                        List.of(RedisKeys.room(session.site(), join.room()), RedisKeys.peerRooms(peer), RedisKeys.peer(peer),
                                RedisKeys.roomVersion(session.site(), join.room()),
                                RedisKeys.joinOp(session.site(), join.room(), peer)),
                        List.of(peer, join.room(), maxMembers, maxRooms, ttl, Ids.random128()))
                .chain(response -> {
                    String result = response.get(0).toString();
                    switch (result) {
                        case "full" -> throw new ProtocolException(ErrorCode.ROOM_FULL, "room is full");
                        case "too-many" -> throw new ProtocolException(ErrorCode.TOO_MANY_ROOMS, "too many rooms");
                        case "gone" -> throw new ProtocolException(ErrorCode.INTERNAL, "presence lost; retry");
                        default -> { }
                    }
                    List<String> members = strings(response.get(1));
                    long version = response.get(2).toLong();
                    session.rooms().add(join.room());
                    Uni<Void> reply = session.send(MessageEncoder.encode(new Joined(join.id(), join.room(), members, version)));
                    if (!"new".equals(result)) {
                        return reply;
                    }
                    String notice = MessageEncoder.encode(new MemberJoined(join.room(), peer, version));
                    return reply.chain(() -> notifyAll(session.site(), members, peer, notice));
                });
    }

    public Uni<Void> leave(PeerSession session, Leave leave) {
        String peer = session.peerId();
        return scripts.run(RedisScripts.LEAVE,
                        List.of(RedisKeys.room(session.site(), leave.room()), RedisKeys.peerRooms(peer),
                                RedisKeys.roomVersion(session.site(), leave.room())),
                        List.of(peer, leave.room(), ttl))
                .chain(response -> {
                    session.rooms().remove(leave.room());
                    if (response == null) {
                        throw new ProtocolException(ErrorCode.NOT_IN_ROOM, "not in room " + leave.room());
                    }
                    long version = response.get(0).toLong();
                    Uni<Void> reply = session.send(MessageEncoder.encode(new Left(leave.id(), leave.room(), version)));
                    String notice = MessageEncoder.encode(new MemberLeft(leave.room(), peer, "left", version));
                    return reply.chain(() -> notifyAll(session.site(), strings(response.get(1)), peer, notice));
                });
    }

    /**
     * Tells the remaining members after {@link RedisScripts#REMOVE} took a peer out of its rooms;
     * {@code removed} is that script's answer.
     */
    public Uni<Void> notifyRemoved(String peer, Response removed, String reason) {
        if (removed == null || removed.size() < 1) {
            return Uni.createFrom().voidItem();
        }
        String site = removed.get(0).toString();
        List<Uni<Void>> notices = new ArrayList<>();
        for (int i = 1; i + 2 < removed.size(); i += 3) {
            String room = removed.get(i).toString();
            String notice = MessageEncoder.encode(new MemberLeft(room, peer, reason, removed.get(i + 2).toLong()));
            notices.add(notifyAll(site, strings(removed.get(i + 1)), peer, notice));
        }
        return notices.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(notices).andCollectFailures().replaceWithVoid();
    }

    private Uni<Void> notifyAll(String site, Collection<String> members, String except, String notice) {
        List<Uni<PeerRouter.Outcome>> sends = new ArrayList<>();
        for (String member : members) {
            if (!member.equals(except)) {
                sends.add(router.deliver(site, member, notice).onFailure().recoverWithItem(PeerRouter.Outcome.GONE));
            }
        }
        return sends.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    static List<String> strings(Response array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            for (Response item : array) {
                out.add(item.toString());
            }
        }
        out.sort(null);
        return out;
    }
}
