// Test peer for tests/interop/message_api.test.js: libsrt's message API (srt_sendmsg2 with a
// per-message TTL, srt_recvmsg2 with the message's metadata), which srt-live-transmit does not
// expose. Links the system libsrt (Debian's libsrt-gnutls-dev).
//
//   libsrt_msg_peer recv PORT [key=value ...]
//     Listens on 127.0.0.1:PORT, accepts one caller, prints one stdout line per message:
//     "msg <msgno> <pktseq> <srctime> <size> <index>" (index: the payload's first 4 bytes,
//     big-endian); then "end" once the connection is gone, and its stats on stderr.
//   libsrt_msg_peer send HOST PORT COUNT SIZE TTLMS [key=value ...]
//     Connects and sends COUNT messages of SIZE bytes, message i carrying i big-endian in its
//     first 4 bytes, with TTL TTLMS except every tenth (i % 10 == 0: no TTL, must arrive).
//
// Options: latency=MS maxbw=BYTES/S tlpktdrop=0|1 transtype=live|file messageapi=0|1
// payloadsize=N, and for send burst=N gap=MS (N messages back to back, then a pause of MS).
// PEER_LOG=1 in the environment turns libsrt's log on.
//
// libsrt 1.5.1 as a receiver cannot skip a packet it never got on the sender's DROPREQ (fixed in
// 1.5.2), and with tlpktdrop=0 its TSBPD thread then spins on the gap: use recv with tlpktdrop=1.
#include <srt/srt.h>

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void fail(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, ": %s\n", srt_getlasterror_str());
    exit(1);
}

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

// The send-only options, read by main; the rest go straight to the socket.
static long burst = 0, gap_ms = 0;

static void set_int(SRTSOCKET s, SRT_SOCKOPT opt, int value, const char* name) {
    if (srt_setsockflag(s, opt, &value, sizeof value) == SRT_ERROR) fail("setting %s=%d", name, value);
}

// Whether argv[i] is "key=...", with *value pointing after the '='.
static int is_key(const char* arg, const char* key, const char** value) {
    size_t n = strlen(key);
    if (strncmp(arg, key, n) != 0 || arg[n] != '=') return 0;
    *value = arg + n + 1;
    return 1;
}

// Pre-bind options. transtype first, whatever the order given: it resets the others (messageapi
// included) to its own defaults.
static void apply_options(SRTSOCKET s, int argc, char** argv) {
    const char* value;
    for (int i = 0; i < argc; i += 1)
        if (is_key(argv[i], "transtype", &value))
            set_int(s, SRTO_TRANSTYPE, strcmp(value, "file") == 0 ? SRTT_FILE : SRTT_LIVE, "transtype");
    for (int i = 0; i < argc; i += 1) {
        const char* arg = argv[i];
        if (is_key(arg, "transtype", &value)) {
            // done above
        } else if (is_key(arg, "latency", &value)) {
            set_int(s, SRTO_LATENCY, atoi(value), "latency");
        } else if (is_key(arg, "maxbw", &value)) {
            int64_t bw = strtoll(value, NULL, 10);  // SRTO_MAXBW takes an int64_t
            if (srt_setsockflag(s, SRTO_MAXBW, &bw, sizeof bw) == SRT_ERROR) fail("setting maxbw");
        } else if (is_key(arg, "tlpktdrop", &value)) {
            set_int(s, SRTO_TLPKTDROP, atoi(value), "tlpktdrop");
        } else if (is_key(arg, "messageapi", &value)) {
            set_int(s, SRTO_MESSAGEAPI, atoi(value), "messageapi");
        } else if (is_key(arg, "payloadsize", &value)) {
            set_int(s, SRTO_PAYLOADSIZE, atoi(value), "payloadsize");
        } else if (is_key(arg, "burst", &value)) {
            burst = atol(value);
        } else if (is_key(arg, "gap", &value)) {
            gap_ms = atol(value);
        } else {
            fprintf(stderr, "unknown option %s\n", arg);
            exit(1);
        }
    }
}

static SRT_TRACEBSTATS stats_of(SRTSOCKET s) {
    SRT_TRACEBSTATS perf;
    memset(&perf, 0, sizeof perf);
    if (srt_bstats(s, &perf, 0) == SRT_ERROR) fail("srt_bstats");
    return perf;
}

static struct sockaddr_in address(const char* host, int port) {
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "bad IPv4 address %s\n", host);
        exit(1);
    }
    return sa;
}

static int receive(int port, int argc, char** argv) {
    SRTSOCKET listener = srt_create_socket();
    if (listener == SRT_INVALID_SOCK) fail("srt_create_socket");
    apply_options(listener, argc, argv);  // the accepted socket inherits them
    struct sockaddr_in sa = address("127.0.0.1", port);
    if (srt_bind(listener, (struct sockaddr*)&sa, sizeof sa) == SRT_ERROR) fail("srt_bind %d", port);
    if (srt_listen(listener, 1) == SRT_ERROR) fail("srt_listen");
    // The test starts the caller on this line: the port is bound and handshakes are answered.
    fprintf(stderr, "listening %d\n", port);
    fflush(stderr);

    struct sockaddr_storage peer;
    int peerlen = sizeof peer;
    SRTSOCKET s = srt_accept(listener, (struct sockaddr*)&peer, &peerlen);
    if (s == SRT_INVALID_SOCK) fail("srt_accept");
    srt_close(listener);

    // libsrt refuses srt_bstats once the connection is gone, and that is how the stream ends here:
    // keep the latest counters, taken after each message and while waiting for the next one.
    set_int(s, SRTO_RCVTIMEO, 100, "rcvtimeo");
    SRT_TRACEBSTATS perf = stats_of(s);
    static char buf[65536];
    for (;;) {
        SRT_MSGCTRL mc;
        srt_msgctrl_init(&mc);
        int n = srt_recvmsg2(s, buf, sizeof buf, &mc);
        if (n == SRT_ERROR && srt_getlasterror(NULL) == SRT_ETIMEOUT) {  // nothing within 100 ms
            perf = stats_of(s);
            continue;
        }
        if (n == SRT_ERROR) break;  // the peer closed, or the connection was lost: the stream ended
        perf = stats_of(s);
        uint32_t index = 0;
        if (n >= 4)
            index = (uint32_t)(unsigned char)buf[0] << 24 | (uint32_t)(unsigned char)buf[1] << 16 |
                    (uint32_t)(unsigned char)buf[2] << 8 | (uint32_t)(unsigned char)buf[3];
        printf("msg %d %d %lld %d %u\n", mc.msgno, mc.pktseq, (long long)mc.srctime, n, index);
        fflush(stdout);  // the test reads lines as they come
    }
    printf("end\n");
    fflush(stdout);
    fprintf(stderr, "stats pktRcvDrop=%d pktRcvLoss=%d pktRecv=%lld\n", perf.pktRcvDrop, perf.pktRcvLoss,
            (long long)perf.pktRecv);
    srt_close(s);
    return 0;
}

static int send_messages(const char* host, int port, long count, long size, int ttl, int argc, char** argv) {
    if (size < 4 || size > 65536) {
        fprintf(stderr, "SIZE must be 4..65536\n");
        return 1;
    }
    burst = count;  // default: all at once
    SRTSOCKET s = srt_create_socket();
    if (s == SRT_INVALID_SOCK) fail("srt_create_socket");
    apply_options(s, argc, argv);
    if (burst <= 0) burst = count;
    struct sockaddr_in sa = address(host, port);
    if (srt_connect(s, (struct sockaddr*)&sa, sizeof sa) == SRT_ERROR) fail("srt_connect %s:%d", host, port);

    static char buf[65536];
    memset(buf, 'x', sizeof buf);
    for (long i = 0; i < count; i += 1) {
        buf[0] = (char)(i >> 24);
        buf[1] = (char)(i >> 16);
        buf[2] = (char)(i >> 8);
        buf[3] = (char)i;
        SRT_MSGCTRL mc;
        srt_msgctrl_init(&mc);
        // Every tenth message has no TTL: those must all arrive, whatever the others do.
        mc.msgttl = i % 10 == 0 ? SRT_MSGTTL_INF : ttl;
        if (srt_sendmsg2(s, buf, (int)size, &mc) == SRT_ERROR) fail("srt_sendmsg2 message %ld", i);
        if ((i + 1) % burst == 0 && i + 1 < count && gap_ms > 0) sleep_ms(gap_ms);
    }
    fprintf(stderr, "sent %ld\n", count);
    fflush(stderr);

    // A live socket closes without lingering: wait until the peer acknowledged what was sent, so
    // that closing drops nothing still on its way. Messages skipped for their TTL after the last
    // packet sent stay in libsrt's buffer for good (the peer never learns of them, so never
    // acknowledges them): stop once the buffer is empty, or stayed the same for a second after
    // every TTL ran out, or after 10 s.
    double sent_at = now_s(), deadline = sent_at + 10, changed_at = sent_at;
    size_t last_blocks = (size_t)-1;
    for (;;) {
        size_t blocks = 0, bytes = 0;
        if (srt_getsndbuffer(s, &blocks, &bytes) == SRT_ERROR) fail("srt_getsndbuffer");
        double now = now_s();
        if (blocks != last_blocks) {
            last_blocks = blocks;
            changed_at = now;
        }
        if (blocks == 0 || now > deadline) break;
        if (now - changed_at > 1 && now - sent_at > ttl / 1000.0 + 1) break;
        sleep_ms(10);
    }
    SRT_TRACEBSTATS perf = stats_of(s);
    fprintf(stderr, "stats pktSndDrop=%d pktSent=%lld pktRetrans=%d\n", perf.pktSndDrop, (long long)perf.pktSent,
            perf.pktRetrans);
    fflush(stderr);
    srt_close(s);
    return 0;
}

int main(int argc, char** argv) {
    if (srt_startup() < 0) fail("srt_startup");
    // libsrt warns of every message skipped for its TTL: only errors on stderr, beside our lines,
    // unless PEER_LOG is set.
    srt_setloglevel(getenv("PEER_LOG") ? LOG_DEBUG : LOG_ERR);
    int rc;
    if (argc >= 3 && strcmp(argv[1], "recv") == 0) {
        rc = receive(atoi(argv[2]), argc - 3, argv + 3);
    } else if (argc >= 7 && strcmp(argv[1], "send") == 0) {
        rc = send_messages(argv[2], atoi(argv[3]), atol(argv[4]), atol(argv[5]), atoi(argv[6]), argc - 7, argv + 7);
    } else {
        fprintf(stderr,
                "usage: %s recv PORT [key=value ...]\n"
                "       %s send HOST PORT COUNT SIZE TTLMS [key=value ...]\n",
                argv[0], argv[0]);
        return 1;
    }
    srt_cleanup();
    return rc;
}
