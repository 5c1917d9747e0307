// Load generator for bench/signaling: client pairs on WebSocket connections send signals to each other through a
// signaling server (c2c or the PeerJS server) and measure delivery latency. It is written in C because it shares the
// machine's two cores with the servers it measures: the Node.js generator spent about 30 µs of CPU per message, twice
// what either server spends, and could not offer 50,000 signals/s at all. bench.mjs compiles and runs it.
//
//   loadgen --server c2c|peerjs --port-a P [--port-b P] --pairs N (--rate R | --window W) --warmup S --seconds S
//
// Pair k is connection 2k (on port-a) and 2k+1 (on port-b, default port-a). Closed loop (--window W): each side keeps
// W signals in flight to the other, a delivery triggers the receiver's next signal back (the signals one read's deliveries
// trigger go out in one write). Open loop (--rate R): R signals
// per second in total, paced by elapsed time on a 250 µs timer, senders taken in turn, whatever the deliveries do.
// A signal's payload carries its send time (CLOCK_MONOTONIC ns); latency = receipt time - send time, same clock.
// stdout: "measure" when the warm-up ends, "end" when the measured window ends, then one JSON line of results.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define IN_CAP (256 * 1024)
#define OUT_CAP (4 * 1024 * 1024)
#define ID_CAP 64
#define SDP_LEN 200
#define HIST_US 100000                 /* 1 µs buckets up to 100 ms ... */
#define HIST_MS 120000                 /* ... then 1 ms buckets up to 120 s */
#define TIME_KEY "\"payload\":{\"t\":"

typedef struct {
    int fd;
    char id[ID_CAP];                   /* the peer id the server knows this connection by */
    uint8_t mask[4];
    uint8_t in[IN_CAP];
    size_t in_len;
    uint8_t *out;                      /* bytes the kernel did not take yet */
    size_t out_len;
    unsigned long kind;                /* signals sent, to cycle offer/answer/candidate */
    int waiting_out;                   /* EPOLLOUT armed: out holds bytes the kernel refused */
} conn_t;

static const char *server = "c2c";
static int port_a, port_b, pairs = 100, window = 0, warmup = 20, seconds = 10;
static double rate = 0;
static conn_t *conns;
static int nconns, epfd;
static int measuring;
static int corked;                     /* closed loop, while a read's frames are handled: sends are queued in out */
static unsigned long delivered, reads, pushed_back, hist_us[HIST_US], hist_ms[HIST_MS];
static char sdp[SDP_LEN + 1];

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "loadgen: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void record(int64_t latency_ns) {
    if (!measuring) return;
    delivered++;
    int64_t us = latency_ns < 0 ? 0 : latency_ns / 1000;
    if (us < HIST_US) hist_us[us]++;
    else hist_ms[us / 1000 < HIST_MS ? us / 1000 : HIST_MS - 1]++;
}

/* the latency (ms) below which a fraction p of the recorded deliveries fall */
static double percentile(double p) {
    unsigned long rank = (unsigned long) (p * delivered), seen = 0;
    for (int i = 0; i < HIST_US; i++) if ((seen += hist_us[i]) > rank) return (i + 0.5) / 1000.0;
    for (int i = HIST_US / 1000; i < HIST_MS; i++) if ((seen += hist_ms[i]) > rank) return i + 0.5;
    return NAN;
}

static void flush_out(conn_t *c) {
    while (c->out_len > 0) {
        ssize_t n = write(c->fd, c->out, c->out_len);
        if (n < 0) {
            if (errno == EAGAIN) break;
            die("write: %s", strerror(errno));
        }
        memmove(c->out, c->out + n, c->out_len - n);
        c->out_len -= n;
    }
    int want = c->out_len > 0;
    if (want != c->waiting_out) {
        struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = c};
        epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
        c->waiting_out = want;
    }
}

static void send_text(conn_t *c, const char *text, size_t len) {
    if (len > 0xffff) die("frame too long");
    uint8_t frame[8 + 0x10000];
    size_t header = len < 126 ? 6 : 8;
    frame[0] = 0x81;
    if (len < 126) frame[1] = 0x80 | len;
    else { frame[1] = 0x80 | 126; frame[2] = len >> 8; frame[3] = len & 0xff; }
    memcpy(frame + header - 4, c->mask, 4);
    for (size_t i = 0; i < len; i++) frame[header + i] = text[i] ^ c->mask[i & 3];
    size_t total = header + len, off = 0;
    if (c->out_len == 0 && !corked) {
        ssize_t n = write(c->fd, frame, total);
        if (n < 0 && errno != EAGAIN) die("write: %s", strerror(errno));
        off = n < 0 ? 0 : n;
        if (off == total) return;
    }
    if (c->out_len + total - off > OUT_CAP) {
        /* the server stopped reading this connection (it is behind): an open loop does not wait, the signal is
           counted as not sent. A frame partly written cannot be dropped, so only whole frames get here. */
        if (off > 0) die("%s: a partly written frame did not fit in the send buffer", server);
        if (measuring) pushed_back++;
        return;
    }
    memcpy(c->out + c->out_len, frame + off, total - off);
    c->out_len += total - off;
    if (!corked) flush_out(c);
}

static void send_signal(conn_t *from) {
    static const char *kinds[] = {"offer", "answer", "candidate"};
    static const char *upper[] = {"OFFER", "ANSWER", "CANDIDATE"};
    conn_t *to = &conns[(from - conns) ^ 1];
    int k = from->kind++ % 3;
    char text[512];
    int len = strcmp(server, "c2c") == 0
        ? snprintf(text, sizeof text, "{\"type\":\"signal\",\"to\":\"%s\",\"kind\":\"%s\",\"payload\":{\"t\":%lld,\"sdp\":\"%s\"}}",
                   to->id, kinds[k], (long long) now_ns(), sdp)
        : snprintf(text, sizeof text, "{\"type\":\"%s\",\"dst\":\"%s\",\"payload\":{\"t\":%lld,\"sdp\":\"%s\"}}",
                   upper[k], to->id, (long long) now_ns(), sdp);
    send_text(from, text, len);
}

/* One text frame from the server after setup: a delivered signal (or something else, which is ignored). */
static void on_text(conn_t *c, const char *text, size_t len) {
    const char *at = memmem(text, len, TIME_KEY, strlen(TIME_KEY));
    if (at == NULL) return;
    int64_t sent = strtoll(at + strlen(TIME_KEY), NULL, 10);
    if (sent <= 0) die("a delivered signal without its send time: %.160s", text);
    record(now_ns() - sent);
    if (window > 0) send_signal(c);
}

/* Parses whole frames out of c->in; returns the first text frame during setup (copied into out), else -1. */
static int read_frames(conn_t *c, char *setup_text, size_t setup_cap) {
    size_t at = 0;
    int found = -1;
    while (c->in_len - at >= 2) {
        uint8_t *p = c->in + at;
        size_t len = p[1] & 0x7f, header = 2;
        if ((p[1] & 0x80) || !(p[0] & 0x80)) die("%s sent a masked or fragmented frame", server);
        if (len == 126) { if (c->in_len - at < 4) break; len = (p[2] << 8) | p[3]; header = 4; }
        else if (len == 127) die("%s sent a frame over 64 KiB", server);
        if (c->in_len - at < header + len) break;
        int opcode = p[0] & 0x0f;
        if (opcode == 8) die("%s closed connection %s", server, c->id);
        if (opcode == 1) {
            if (setup_text != NULL && found < 0) {
                if (len >= setup_cap) die("setup frame too long");
                memcpy(setup_text, p + header, len);
                setup_text[len] = 0;
                found = (int) len;
            } else {
                on_text(c, (const char *) p + header, len);
            }
        }
        at += header + len;
    }
    memmove(c->in, c->in + at, c->in_len - at);
    c->in_len -= at;
    return found;
}

static void fill(conn_t *c) {
    if (c->in_len == IN_CAP) die("input buffer full");
    ssize_t n = read(c->fd, c->in + c->in_len, IN_CAP - c->in_len);
    if (n == 0) die("%s closed connection %s", server, c->id);
    if (n < 0) {
        if (errno == EAGAIN) return;
        die("read: %s", strerror(errno));
    }
    c->in_len += n;
    if (measuring) reads++;
}

/* Blocking connect, upgrade and hello (c2c) or OPEN (PeerJS); the socket is non-blocking afterwards. */
static void open_conn(conn_t *c, int port, int index) {
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(c->fd, (struct sockaddr *) &addr, sizeof addr) < 0) die("connect %d: %s", port, strerror(errno));
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {.tv_sec = 30};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (getrandom(c->mask, 4, 0) != 4) die("getrandom");
    c->out = malloc(OUT_CAP);
    if (strcmp(server, "peerjs") == 0) snprintf(c->id, ID_CAP, "g%dx%d", getpid(), index);
    char request[512];
    int n = strcmp(server, "c2c") == 0
        ? snprintf(request, sizeof request, "GET /_c2c/signal HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                   "Sec-WebSocket-Protocol: c2c.v1\r\nOrigin: http://bench.local\r\n\r\n", port)
        : snprintf(request, sizeof request, "GET /peerjs?key=peerjs&id=%s&token=t%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                   "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n", c->id, c->id, port);
    if (write(c->fd, request, n) != n) die("upgrade request");
    char *end = NULL;
    while (end == NULL) {
        ssize_t r = read(c->fd, c->in + c->in_len, IN_CAP - 1 - c->in_len);
        if (r <= 0) die("%s: no upgrade answer on port %d", server, port);
        c->in_len += r;
        c->in[c->in_len] = 0;
        end = strstr((char *) c->in, "\r\n\r\n");
    }
    if (strncmp((char *) c->in, "HTTP/1.1 101", 12) != 0) die("%s refused the upgrade: %.80s", server, c->in);
    size_t head = end + 4 - (char *) c->in;
    memmove(c->in, c->in + head, c->in_len - head);
    c->in_len -= head;
    if (strcmp(server, "c2c") == 0) {
        const char *hello = "{\"type\":\"hello\",\"site\":\"bench\"}";
        send_text(c, hello, strlen(hello));
    }
    char text[8192];
    for (;;) {
        if (read_frames(c, text, sizeof text) >= 0) {
            if (strcmp(server, "c2c") == 0) {
                char *id = strstr(text, "\"peerId\":\"");
                if (strstr(text, "\"welcome\"") == NULL || id == NULL) die("c2c answered hello with %.200s", text);
                id += strlen("\"peerId\":\"");
                size_t len = strcspn(id, "\"");
                if (len >= ID_CAP) die("peer id too long");
                memcpy(c->id, id, len);
                c->id[len] = 0;
                break;
            }
            if (strstr(text, "\"OPEN\"") != NULL) break;
            continue;
        }
        fill(c);
    }
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl: %s", strerror(errno));
}

static double cpu_seconds(struct rusage *r, int user) {
    struct timeval t = user ? r->ru_utime : r->ru_stime;
    return t.tv_sec + t.tv_usec / 1e6;
}

static const char *arg(int argc, char **argv, const char *name, const char *fallback) {
    for (int i = 1; i + 1 < argc; i++) if (strcmp(argv[i], name) == 0) return argv[i + 1];
    return fallback;
}

int main(int argc, char **argv) {
    server = arg(argc, argv, "--server", "c2c");
    port_a = atoi(arg(argc, argv, "--port-a", "0"));
    port_b = atoi(arg(argc, argv, "--port-b", arg(argc, argv, "--port-a", "0")));
    pairs = atoi(arg(argc, argv, "--pairs", "100"));
    rate = atof(arg(argc, argv, "--rate", "0"));
    window = rate > 0 ? 0 : atoi(arg(argc, argv, "--window", "4"));
    warmup = atoi(arg(argc, argv, "--warmup", "20"));
    seconds = atoi(arg(argc, argv, "--seconds", "10"));
    if (strcmp(server, "c2c") != 0 && strcmp(server, "peerjs") != 0) die("--server c2c|peerjs");
    if (port_a <= 0 || pairs <= 0 || seconds <= 0 || (rate <= 0 && window <= 0)) die("bad arguments");
    memset(sdp, 'x', SDP_LEN);
    epfd = epoll_create1(0);
    nconns = 2 * pairs;
    conns = calloc(nconns, sizeof(conn_t));
    for (int i = 0; i < nconns; i++) open_conn(&conns[i], i % 2 == 0 ? port_a : port_b, i);

    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct itimerspec tick = {.it_interval = {0, 250000}, .it_value = {0, 250000}};
    timerfd_settime(tfd, 0, &tick, NULL);
    struct epoll_event tev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &tev);

    if (window > 0)
        for (int w = 0; w < window; w++)
            for (int i = 0; i < nconns; i++) send_signal(&conns[i]);

    int64_t start = now_ns(), measure_at = start + (int64_t) warmup * 1000000000, end_at = measure_at + (int64_t) seconds * 1000000000;
    unsigned long sent = 0;
    struct rusage r0, r1;
    int64_t t0 = 0;
    struct epoll_event events[256];
    for (;;) {
        int n = epoll_wait(epfd, events, 256, 100);
        if (n < 0 && errno != EINTR) die("epoll_wait: %s", strerror(errno));
        for (int i = 0; i < n; i++) {
            conn_t *c = events[i].data.ptr;
            if (c == NULL) {
                uint64_t expirations;
                if (read(tfd, &expirations, sizeof expirations) < 0 && errno != EAGAIN) die("timerfd");
                if (rate > 0) {
                    unsigned long due = (unsigned long) ((now_ns() - start) * rate / 1e9);
                    for (; sent < due; sent++) send_signal(&conns[sent % nconns]);
                }
                continue;
            }
            if (events[i].events & EPOLLOUT) flush_out(c);
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                fill(c);
                /* the signals this read's deliveries trigger go out in one write, as a client that sends what it
                   has after handling what it read (one syscall per read, not per signal) */
                corked = window > 0;
                read_frames(c, NULL, 0);
                corked = 0;
                if (c->out_len > 0 && !c->waiting_out) flush_out(c);
            }
        }
        int64_t now = now_ns();
        if (!measuring && t0 == 0 && now >= measure_at) {
            printf("measure\n");
            fflush(stdout);
            getrusage(RUSAGE_SELF, &r0);
            t0 = now_ns();
            measuring = 1;
        } else if (measuring && now >= end_at) {
            measuring = 0;
            getrusage(RUSAGE_SELF, &r1);
            if (delivered == 0) die("nothing was delivered in the measured window");
            double elapsed = (now_ns() - t0) / 1e9;
            printf("end\n");
            printf("{\"delivered\":%lu,\"elapsedSeconds\":%.3f,\"msgPerSec\":%.0f,\"p50ms\":%.3f,\"p99ms\":%.3f,"
                   "\"p999ms\":%.3f,\"loadCpuUser\":%.2f,\"loadCpuSystem\":%.2f,\"notSent\":%lu,\"deliveredPerRead\":%.2f}\n",
                   delivered, elapsed, delivered / elapsed, percentile(0.5), percentile(0.99), percentile(0.999),
                   cpu_seconds(&r1, 1) - cpu_seconds(&r0, 1), cpu_seconds(&r1, 0) - cpu_seconds(&r0, 0), pushed_back,
                   (double) delivered / (reads ? reads : 1));
            fflush(stdout);
            return 0;
        }
    }
}
