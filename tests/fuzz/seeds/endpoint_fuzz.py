"""Seeds for endpoint_fuzz: op programs (format in tests/fuzz/endpoint_fuzz.cpp and README.md).

Hand-built clean runs (handshake, messages both ways, close) in several configurations, a few
with loss, mutation, reconnection and NAT rebinding; and one program per captured libsrt datagram
(tests/vectors) that injects it, into a fresh listener or, with its dest socket id patched, into
an established connection. Usage: endpoint_fuzz.py CORPUS_DIR VECTORS_DIR
"""
import struct
import sys

from _vectors import datagrams, write_seed

(ADVANCE, RUN, DELIVER, DROP, DUPLICATE, MUTATE, REORDER, TRUNCATE, DELIVER_ALT, INJECT, SEND,
 SEND_BURST, CLOSE, CONNECT, STATS) = range(15)
CALLER, LISTENER = 0, 1
C2L, L2C = 0, 1


def header(crypto=0, latency=0x33, flags=0, misc=0, sizes=0):
    return bytes([crypto, latency, flags, misc, sizes])


def pbkey(n):  # crypto bits 3-4
    return {0: 0, 16: 1, 24: 2, 32: 3}[n] << 3


def mode(m):  # crypto bits 5-6: auto, aes-ctr, aes-gcm
    return {"auto": 0, "ctr": 1, "gcm": 2}[m] << 5


BOTH_SECRET = 0x03
DIFFERENT_SECRET = 0x07
SMALL_BUFFERS = 0x80
NO_TSBPD, NO_TLPKTDROP, NO_NAKREPORT, FAST_KM, STREAM_ID, CALLER_NOT_ENFORCED, SMALL_PAYLOAD, PEER_LATENCY = (
    1 << i for i in range(8))
NEAR_WRAP, REFUSE_STREAM_ID, SHORT_TIMEOUTS = 1, 2, 4
MSS = {1500: 0, 1000: 1, 576: 2, 76: 3}


def sizes(caller_mss=1500, listener_mss=1500):
    return MSS[caller_mss] | MSS[listener_mss] << 2


def run(ms):
    return bytes([RUN, min(ms, 256) - 1])


def burst(side, count, size_units):
    return bytes([SEND_BURST, side, count - 1, size_units])


def inject(data, to, source=0, patch_own=False, patch_peer=False):
    flags = (1 if to == LISTENER else 0) | source << 1 | (8 if patch_own else 0) | (0x10 if patch_peer else 0)
    return bytes([INJECT, flags]) + struct.pack("<H", len(data)) + data


CLEAN = run(200) + burst(CALLER, 20, 50) + run(200) + burst(LISTENER, 5, 100) + run(200) + bytes([CLOSE, CALLER]) + run(200)

hand_built = [
    header() + CLEAN,
    header(flags=STREAM_ID) + CLEAN,
    header(BOTH_SECRET | pbkey(16) | mode("ctr"), flags=FAST_KM) + CLEAN + CLEAN,
    header(BOTH_SECRET | pbkey(32) | mode("gcm"), flags=FAST_KM) + CLEAN,
    header(BOTH_SECRET | pbkey(24), latency=0x00) + CLEAN,
    header(DIFFERENT_SECRET | pbkey(16)) + run(200) + run(200),
    header(0x01) + run(200) + burst(CALLER, 3, 10) + run(200),  # listener-only passphrase
    header(0x02, flags=CALLER_NOT_ENFORCED) + CLEAN,            # caller-only, not enforced
    header(SMALL_BUFFERS, flags=SMALL_PAYLOAD) + run(200) + burst(CALLER, 32, 40) + burst(CALLER, 32, 20) + run(50) + burst(CALLER, 32, 30) + run(250),
    header(flags=NO_TSBPD | NO_TLPKTDROP | NO_NAKREPORT) + CLEAN,
    header(flags=PEER_LATENCY, misc=NEAR_WRAP) + run(200) + burst(CALLER, 20, 100) + bytes([ADVANCE, 255]) + CLEAN,
    header(flags=STREAM_ID, misc=REFUSE_STREAM_ID) + run(200) + run(200),
    header(sizes=sizes(576, 1500)) + CLEAN,
    header(sizes=sizes(1500, 1000), flags=NO_TLPKTDROP) + CLEAN,
    header(BOTH_SECRET | pbkey(16) | mode("gcm"), sizes=sizes(76, 576)) + CLEAN,
    header(misc=SHORT_TIMEOUTS) + run(100) + burst(CALLER, 4, 10) + bytes([ADVANCE, 120, ADVANCE, 200]) + run(100),
    # Loss and reordering by hand: handshake, then a burst whose packets are dropped, reordered,
    # duplicated, mutated and truncated before the link runs clean again.
    header() + run(100) + burst(CALLER, 10, 30) + bytes([ADVANCE, 3, DROP, C2L, DELIVER, C2L, REORDER, C2L, DUPLICATE, C2L,
                                                          DELIVER, C2L, MUTATE, C2L, 1, 20, 0, 0x40, TRUNCATE, C2L, 30,
                                                          DELIVER, C2L, ADVANCE, 30, DROP, L2C]) + run(250),
    # Handshake by hand, the caller's first packets arriving from a rebinding NAT.
    header() + bytes([DELIVER_ALT, 0, DELIVER, L2C, DELIVER_ALT, 1, DELIVER, L2C]) + run(100) + burst(CALLER, 5, 10) + run(200),
    # Close, reconnect, and a second connection while the first one is alive.
    header() + run(200) + bytes([CLOSE, CALLER]) + run(100) + bytes([CONNECT]) + CLEAN,
    header() + run(200) + bytes([CONNECT]) + run(200) + burst(CALLER, 5, 10) + run(200),
    header() + run(200) + burst(CALLER, 5, 10) + bytes([STATS, CALLER, 1, STATS, LISTENER, 0]) + run(200),
]


def main():
    corpus, vectors = sys.argv[1], sys.argv[2]
    for program in hand_built:
        write_seed(corpus, program)
    data_seen = {}
    for stem, direction, data in datagrams(vectors):
        is_control = bool(data[0] & 0x80)
        ctype = int.from_bytes(data[0:2], "big") & 0x7FFF if is_control else -1
        # ACKs, ACKACKs and data packets are many and alike: the first few of each kind per file
        # and direction (every handshake is kept).
        key = (stem, direction, ctype)
        data_seen[key] = data_seen.get(key, 0) + 1
        if ctype != 0 and data_seen[key] > 4:
            continue
        crypto = 0
        if "crypt16" in stem or "badsecret" in stem:
            crypto = BOTH_SECRET | pbkey(16)
        elif "crypt32" in stem:
            crypto = BOTH_SECRET | pbkey(32)
        to = LISTENER if direction == "c>l" else CALLER
        if ctype == 0 and to == LISTENER:
            # A captured caller's handshake into the fresh listener, as it was sent.
            write_seed(corpus, header(crypto, flags=STREAM_ID) + inject(data, to) + run(50))
        # Into the established connection, addressed to it.
        write_seed(corpus, header(crypto, flags=STREAM_ID) + run(100) + inject(data, to, patch_own=True) + run(50) +
                   burst(CALLER, 5, 20) + run(100))


if __name__ == "__main__":
    main()
