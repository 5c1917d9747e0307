package io.c2c.signaling.websocket;

import io.c2c.signaling.config.SignalingConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;

/**
 * Bounds what waits inside the pod for each signaling connection, in both directions.
 *
 * <p>websockets-next hands every received message to the connection's event loop as a task and never
 * pauses the socket, so peers that together send faster than a pod can relay fill its task queues without
 * limit: the heap fills with queued messages and the pod dies in back-to-back full collections instead of
 * slowing its senders down (seen at 60,000 signals/s offered to one 2-core pod). Here a connection read
 * while an event loop has more than {@code read-pause-backlog} tasks queued stops reading, and a task
 * queued behind that backlog turns reading back on: the connection is read again once that loop has done
 * the work that was waiting. Meanwhile the peer's frames wait in the kernel and TCP slows the peer down;
 * nothing is dropped and the order is kept.
 *
 * <p>A connection whose message is waited for (a Redis round trip, a call to discovery, a signal past its
 * route allowance) is not read either until that message is handled: websockets-next handles a connection's
 * messages one at a time and queues the frames read meanwhile, without limit. Under a cross-pod overload
 * that queue filled a pod's heap (173,000 queued messages at 512 MiB). Now only the frames read before the
 * pause (the read that was being handled when the wait began, and the next one) wait there.
 *
 * <p>The other direction has the same hole: frames for a peer that does not read (a stuck tab, or a
 * client starved of CPU) wait in its channel's outbound buffer, also without limit. A connection with
 * more than {@code max-unread-bytes} waiting there is closed, as Redis closes a client past its output
 * buffer limit: the peer can resume, and signals for it then wait in its bounded resume buffer.
 */
@ApplicationScoped
public class ConnectionBackpressure implements HttpUpgradeCheck {

    private static final Logger LOG = Logger.getLogger(ConnectionBackpressure.class);
    /** The connection's {@link ReadPause}, for {@link #waitedFor}; absent where the pipeline could not be reached. */
    static final UserData.TypedKey<ReadPause> READS = new UserData.TypedKey<>("c2c.read-pause");

    private final int maxBacklog;
    private final int maxUnreadBytes;
    private final Counter pauses;
    private final Counter waitPauses;
    private final Counter slowReaderCloses;

    public ConnectionBackpressure(SignalingConfig config, MeterRegistry registry) {
        this.maxBacklog = config.readPauseBacklog();
        this.maxUnreadBytes = config.maxUnreadBytes();
        this.pauses = Counter.builder("c2c.signaling.read.pauses")
                .description("connections whose reading paused because their event loop had more than read-pause-backlog tasks queued")
                .register(registry);
        this.waitPauses = Counter.builder("c2c.signaling.read.wait.pauses")
                .description("connections whose reading paused because frames came in while one of their messages was waited for")
                .register(registry);
        this.slowReaderCloses = Counter.builder("c2c.signaling.slow.reader.closes")
                .description("connections closed because more than max-unread-bytes waited to be written to them")
                .register(registry);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        ReadPause reads = new ReadPause(maxBacklog, pauses, waitPauses);
        if (ConnectionPipelines.addFirstOnce(context.httpRequest().connection(), ReadPause.HANDLER_NAME, () -> reads)) {
            context.userData().put(READS, reads);
        }
        if (maxUnreadBytes > 0) {
            ConnectionPipelines.addFirstOnce(context.httpRequest().connection(), SlowReaderLimit.HANDLER_NAME,
                    () -> new SlowReaderLimit(maxUnreadBytes, slowReaderCloses));
        }
        return CheckResult.permitUpgrade();
    }

    /**
     * {@code handled}, the handling of a message of {@code connection} that did not complete at once, with the
     * connection's reads paused until it has: frames that arrive meanwhile stay in the kernel.
     */
    static Uni<Void> waitedFor(WebSocketConnection connection, Uni<Void> handled) {
        ReadPause reads = connection.userData().get(READS);
        if (reads == null) {
            return handled;
        }
        reads.waiting();
        return handled.onTermination().invoke(reads::handled);
    }

    /** One per connection: closes it when more than the limit waits in its outbound buffer. */
    static final class SlowReaderLimit extends ChannelInboundHandlerAdapter {

        static final String HANDLER_NAME = "c2c-slow-reader-limit";

        private final int maxUnreadBytes;
        private final Counter closes;

        SlowReaderLimit(int maxUnreadBytes, Counter closes) {
            this.maxUnreadBytes = maxUnreadBytes;
            this.closes = closes;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            // Netty marks the channel unwritable above the high mark and tells the pipeline: that is the limit
            ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(maxUnreadBytes / 2, maxUnreadBytes));
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!ctx.channel().isWritable() && ctx.channel().isActive()) {
                closes.increment();
                LOG.debugf("closing %s: more than %d bytes wait to be written to it", ctx.channel().remoteAddress(), maxUnreadBytes);
                ctx.close();
            }
            ctx.fireChannelWritabilityChanged();
        }
    }

    /**
     * One per connection: pauses its reads while one of its messages is waited for, and while any event
     * loop's backlog is above the limit. Any loop, not only its own: a signal to a peer on another loop is a
     * task on that loop, so senders on an idle loop can flood a busy one. Its state is confined to the
     * connection's event loop.
     */
    static final class ReadPause extends ChannelInboundHandlerAdapter {

        static final String HANDLER_NAME = "c2c-read-pause";

        private final int maxBacklog;
        private final Counter pauses;
        private final Counter waitPauses;
        private SingleThreadEventExecutor[] loops = new SingleThreadEventExecutor[0];
        private volatile ChannelHandlerContext ctx;
        private boolean pausedHere;
        /** Messages of this connection being handled that did not complete at once (serial handling: 0 or 1). */
        private int waitedFor;
        private boolean pausedWhileWaiting;

        ReadPause(int maxBacklog, Counter pauses, Counter waitPauses) {
            this.maxBacklog = maxBacklog;
            this.pauses = pauses;
            this.waitPauses = waitPauses;
        }

        /** A message of this connection is waited for: reads that bring more frames meanwhile pause reading. */
        void waiting() {
            onLoop(() -> waitedFor++);
        }

        /** The message waited for was handled: reading goes on (unless a loop is still behind). */
        void handled() {
            onLoop(() -> {
                waitedFor--;
                if (waitedFor == 0 && pausedWhileWaiting) {
                    pausedWhileWaiting = false;
                    resumeUnlessPaused();
                }
            });
        }

        private void onLoop(Runnable change) {
            ChannelHandlerContext context = ctx;
            if (context == null || context.executor().inEventLoop()) {
                change.run();
                return;
            }
            try {
                context.executor().execute(change);
            } catch (RejectedExecutionException stopping) {
                // the loops are shutting down with the connection: nothing to read any more
            }
        }

        private void resumeUnlessPaused() {
            if (!pausedHere && !pausedWhileWaiting && ctx != null) {
                ctx.channel().config().setAutoRead(true);
            }
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            List<SingleThreadEventExecutor> all = new ArrayList<>();
            EventExecutorGroup group = ctx.channel().eventLoop().parent();
            for (EventExecutor loop : group == null ? List.<EventExecutor>of(ctx.channel().eventLoop()) : group) {
                if (loop instanceof SingleThreadEventExecutor executor) {
                    all.add(executor);
                }
            }
            loops = all.toArray(SingleThreadEventExecutor[]::new);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // the frames in these bytes become message tasks on the way up, so the backlog is read after
            ctx.fireChannelRead(msg);
            ChannelConfig config = ctx.channel().config();
            if (waitedFor > 0 && !pausedWhileWaiting) {
                // paused only when frames come in during a wait, so a quick wait costs no syscall
                pausedWhileWaiting = true;
                config.setAutoRead(false);
                waitPauses.increment();
            }
            if (pausedHere || maxBacklog <= 0 || !config.isAutoRead()) {
                return;
            }
            SingleThreadEventExecutor behind = mostBehindOverLimit();
            if (behind != null) {
                pausedHere = true;
                config.setAutoRead(false);
                pauses.increment();
                EventLoop own = ctx.channel().eventLoop();
                Runnable resume = () -> {
                    pausedHere = false;
                    resumeUnlessPaused();
                };
                try {
                    // queued behind that loop's backlog, then back on this connection's own loop
                    behind.execute(() -> own.execute(resume));
                } catch (RejectedExecutionException stopping) {
                    resume.run(); // the loops are shutting down: nothing to wait for
                }
            }
        }

        /** The event loop with the most tasks queued, if that is more than the limit; else null. */
        private SingleThreadEventExecutor mostBehindOverLimit() {
            SingleThreadEventExecutor most = null;
            int mostTasks = maxBacklog;
            for (SingleThreadEventExecutor loop : loops) {
                int tasks = loop.pendingTasks();
                if (tasks > mostTasks) {
                    most = loop;
                    mostTasks = tasks;
                }
            }
            return most;
        }
    }
}
