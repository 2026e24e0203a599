#!/usr/bin/env python3
"""Captures golden SRT vectors from real libsrt peers talking through a recording UDP relay.

Each scenario starts real peers (srt-live-transmit, ffmpeg) on 127.0.0.1 with the caller pointed
at a relay that forwards every datagram both ways and records it, then writes
tests/vectors/<scenario>.txt: '#' header lines (scenario, exact peer commands, libsrt version,
date, packet-kind counts), then one datagram per line, "c>l <hex>" or "l>c <hex>". Every control
packet is kept; data packets are thinned (first few per direction, retransmissions, the first
after each key switch) so the files stay small. No datagram is ever truncated.

Usage: python3 scripts/capture-vectors.py [--list] [scenario ...]   (default: all scenarios)
Python 3 standard library only.
"""

import argparse
import collections
import datetime
import os
import select
import shlex
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VECTORS_DIR = os.path.join(REPO, "tests", "vectors")
HOST = "127.0.0.1"

# Data packets kept per direction: the first DATA_HEAD, then at most REXMIT_CAP retransmissions
# and KK_SWITCH_CAP packets whose key flags differ from the previous kept packet's.
DATA_HEAD = 8
REXMIT_CAP = 6
KK_SWITCH_CAP = 4

CHUNK = 1316  # 7 MPEG-TS packets, the live payload size
PASSPHRASE = "websrt-golden-secret"
OTHER_PASSPHRASE = "not-the-same-secret"
STREAM_ID = "#!::r=live/golden,m=publish"


# ---------------------------------------------------------------------------------------------
# Packet classification (header only; the C++ codec does the real decoding)

CONTROL_NAMES = {0: "handshake", 1: "keepalive", 2: "ack", 3: "nak", 4: "congestion_warning",
                 5: "shutdown", 6: "ackack", 7: "drop_request", 8: "peer_error", 0x7FFF: "user_defined"}
USER_SUBTYPES = {1: "hsreq", 2: "hsrsp", 3: "kmreq", 4: "kmrsp"}
HS_REQ_TYPES = {1: "induction", 0: "waveahand", -1: "conclusion", -2: "agreement", -3: "done"}


def classify(datagram):
    """Finer than the codec's packet_kind: handshake request type, light/small/full ACK, rexmit."""
    if len(datagram) < 16:
        return "runt"
    word0, word1 = struct.unpack_from(">II", datagram, 0)
    if not word0 & 0x80000000:
        kind = "data"
        kk = (word1 >> 27) & 3
        if kk:
            kind += "/" + {1: "even", 2: "odd", 3: "both"}[kk]
        if word1 & (1 << 26):
            kind += "/rexmit"
        return kind
    control_type = (word0 >> 16) & 0x7FFF
    subtype = word0 & 0xFFFF
    name = CONTROL_NAMES.get(control_type, "control_%#x" % control_type)
    if control_type == 0x7FFF:
        return name + "/" + USER_SUBTYPES.get(subtype, str(subtype))
    if control_type == 0 and len(datagram) >= 16 + 24:
        (req_type,) = struct.unpack_from(">i", datagram, 16 + 20)
        if req_type >= 1000:
            return name + "/rejection_%d" % req_type
        return name + "/" + HS_REQ_TYPES.get(req_type, str(req_type))
    if control_type == 2:
        payload = len(datagram) - 16
        return name + ("/light" if payload == 4 else "/small" if payload == 16 else "/full")
    return name


def is_data(datagram):
    return len(datagram) >= 16 and not datagram[0] & 0x80


# ---------------------------------------------------------------------------------------------
# The relay


class Relay:
    """Two UDP sockets: `front` faces the caller (the port the caller is given), `back` faces the
    listener. The caller's address is learned from its first datagram unless fixed (rendezvous).
    Records every forwarded datagram, thinning data packets; optionally drops every Nth original
    (non-retransmitted) caller-to-listener data packet to provoke NAKs."""

    def __init__(self, listener_port, caller_addr=None, drop_every=0):
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front.bind((HOST, 0))
        self.back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.back.bind((HOST, 0))
        self.port = self.front.getsockname()[1]
        self.back_port = self.back.getsockname()[1]
        self.listener_addr = (HOST, listener_port)
        self.caller_addr = caller_addr
        self.drop_every = drop_every
        self._drop_run_left = 0
        self.records = []  # (direction, bytes)
        self.dropped = 0
        self.forwarded = collections.Counter()
        self._data_seen = collections.Counter()
        self._original_data = 0
        self._rexmit_kept = collections.Counter()
        self._kk_kept = collections.Counter()
        self._last_kk = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self.front.close()
        self.back.close()

    def _should_drop(self):
        """Every drop_every-th original data packet is lost; every second loss is a run of three,
        so the listener's NAKs hold both single and range entries."""
        if self._drop_run_left:
            self._drop_run_left -= 1
            return True
        if not self.drop_every or self._original_data % self.drop_every:
            return False
        if (self._original_data // self.drop_every) % 2 == 0:
            self._drop_run_left = 2
        return True

    def _keep_data(self, direction, datagram):
        self._data_seen[direction] += 1
        word1 = struct.unpack_from(">I", datagram, 4)[0]
        kk = (word1 >> 27) & 3
        keep = False
        if self._data_seen[direction] <= DATA_HEAD:
            keep = True
        elif word1 & (1 << 26) and self._rexmit_kept[direction] < REXMIT_CAP:
            self._rexmit_kept[direction] += 1
            keep = True
        elif kk != self._last_kk.get(direction, kk) and self._kk_kept[direction] < KK_SWITCH_CAP:
            self._kk_kept[direction] += 1
            keep = True
        self._last_kk[direction] = kk
        return keep

    def _run(self):
        while not self._stop.is_set():
            try:
                readable, _, _ = select.select([self.front, self.back], [], [], 0.05)
            except (OSError, ValueError):
                return
            for sock in readable:
                try:
                    datagram, source = sock.recvfrom(65536)
                except OSError:
                    continue
                if sock is self.front:
                    if self.caller_addr is None:
                        self.caller_addr = source
                    if source != self.caller_addr:
                        continue
                    direction, out, destination = "c>l", self.back, self.listener_addr
                else:
                    if source != self.listener_addr or self.caller_addr is None:
                        continue
                    direction, out, destination = "l>c", self.front, self.caller_addr
                if is_data(datagram):
                    rexmit = struct.unpack_from(">I", datagram, 4)[0] & (1 << 26)
                    if direction == "c>l" and not rexmit:
                        self._original_data += 1
                        if self._should_drop():
                            self.dropped += 1
                            continue
                    if self._keep_data(direction, datagram):
                        self.records.append((direction, datagram))
                else:
                    self.records.append((direction, datagram))
                self.forwarded[direction] += 1
                try:
                    out.sendto(datagram, destination)
                except OSError:
                    pass


# ---------------------------------------------------------------------------------------------
# Processes


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Peers:
    """Starts child processes, logs their stderr, and always ends them (by their own pid)."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.children = []  # (name, Popen, log path)
        self.commands = []  # (name, command line)

    def start(self, name, argv, stdin=None):
        log_path = os.path.join(self.workdir, name + ".log")
        log = open(log_path, "wb")
        process = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=log)
        log.close()
        self.children.append((name, process, log_path))
        self.commands.append((name, " ".join(shlex.quote(a) for a in argv)))
        return process

    def wait(self, process, timeout):
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop_all(self):
        for _, process, _ in self.children:
            if process.poll() is None:
                process.terminate()
        for _, process, _ in self.children:
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=3)

    def log_tail(self, lines=8):
        out = []
        for name, process, log_path in self.children:
            try:
                with open(log_path, "rb") as f:
                    tail = f.read().decode("utf-8", "replace").strip().splitlines()[-lines:]
            except OSError:
                tail = []
            out.append("  %s (exit %s): %s" % (name, process.returncode, " | ".join(tail) or "-"))
        return "\n".join(out)


class Feeder(threading.Thread):
    """Writes a schedule to a child's stdin: ("rate", count, interval_s), ("burst", count),
    ("pause", seconds), ("bytes", data, chunk, interval_s); closes stdin at the end."""

    def __init__(self, process, schedule):
        super().__init__(daemon=True)
        self.process = process
        self.schedule = schedule
        self.chunks_written = 0

    def _chunk(self):
        self.chunks_written += 1
        n = self.chunks_written
        # MPEG-TS-looking filler: 7 x 188 bytes, each starting with the 0x47 sync byte.
        return b"".join(b"\x47" + bytes([(n + i) & 0xFF]) * 187 for i in range(7))

    def run(self):
        pipe = self.process.stdin
        try:
            for step in self.schedule:
                if self.process.poll() is not None:
                    break
                if step[0] == "rate":
                    _, count, interval = step
                    next_time = time.monotonic()
                    for _ in range(count):
                        pipe.write(self._chunk())
                        pipe.flush()
                        next_time += interval
                        delay = next_time - time.monotonic()
                        if delay > 0:
                            time.sleep(delay)
                elif step[0] == "burst":
                    pipe.write(b"".join(self._chunk() for _ in range(step[1])))
                    pipe.flush()
                elif step[0] == "pause":
                    time.sleep(step[1])
                elif step[0] == "bytes":
                    _, data, chunk, interval = step
                    for offset in range(0, len(data), chunk):
                        pipe.write(data[offset:offset + chunk])
                        pipe.flush()
                        time.sleep(interval)
        except (BrokenPipeError, OSError, ValueError):
            pass
        finally:
            try:
                pipe.close()
            except OSError:
                pass


SLT = "srt-live-transmit"
SLT_COMMON = ["-a:no", "-chunk:%d" % CHUNK, "-loglevel:error"]

# ~0.6 s at 500 pkt/s, a 160-packet burst (>= 64 packets inside one 10 ms ACK period gives light
# ACKs), a 1.5 s pause (> 1 s without sending gives KEEPALIVEs), then ~0.6 s more.
DEFAULT_SCHEDULE = [("rate", 300, 0.002), ("burst", 160), ("pause", 1.5), ("rate", 300, 0.002)]


def srt_uri(remote_port, host="", **params):
    query = "&".join("%s=%s" % (k, v) for k, v in params.items())
    return "srt://%s:%d%s" % (host, remote_port, "?" + query if query else "")


def wait_until_bound(port, timeout=3.0):
    """True once something holds UDP `port` (our bind fails), so the caller does not start first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind((HOST, port))
            except OSError:
                return True
        time.sleep(0.05)
    return False


def slt_pair(peers, relay, listener_params, caller_params, schedule=DEFAULT_SCHEDULE,
             caller_timeout=15, settle=0.8):
    """srt-live-transmit listener (SRT -> stdout) and caller (stdin -> SRT via the relay)."""
    listener_port = relay.listener_addr[1]
    peers.start("listener", [SLT] + SLT_COMMON + [
        srt_uri(listener_port, mode="listener", **listener_params), "file://con"])
    wait_until_bound(listener_port)
    caller = peers.start("caller", [SLT] + SLT_COMMON + [
        "file://con", srt_uri(relay.port, HOST, **caller_params)], stdin=subprocess.PIPE)
    time.sleep(0.5)  # connect before feeding, so no chunk is read before the socket is up
    feeder = Feeder(caller, schedule)
    feeder.start()
    feeder.join(timeout=caller_timeout)
    peers.wait(caller, timeout=5)
    time.sleep(settle)  # let the SHUTDOWN and the last ACKs through the relay


# ---------------------------------------------------------------------------------------------
# Scenarios: each takes (peers, workdir) and returns (relay, notes)


def scenario_slt_plain(peers, workdir):
    relay = Relay(free_udp_port()).start()
    slt_pair(peers, relay, {}, {"streamid": STREAM_ID})
    return relay, ["srt-live-transmit to srt-live-transmit, no encryption, streamid set.",
                   "Feed: 300 chunks at 2 ms, a 160-chunk burst (light ACKs), a 1.5 s pause "
                   "(KEEPALIVEs), 300 chunks at 2 ms, then stdin closed (SHUTDOWN)."]


def scenario_slt_loss(peers, workdir):
    relay = Relay(free_udp_port(), drop_every=50).start()
    slt_pair(peers, relay, {}, {"streamid": STREAM_ID})
    return relay, ["As slt-plain, but the relay drops every 50th original caller-to-listener data",
                   "packet (every second time a run of 3), so the listener NAKs (single and range",
                   "entries) and the caller retransmits (R flag set)."]


def crypt_scenario(pbkeylen):
    def scenario(peers, workdir):
        relay = Relay(free_udp_port()).start()
        crypt = {"passphrase": PASSPHRASE, "pbkeylen": pbkeylen}
        # Refresh counted in packets; libsrt requires kmpreannounce <= (kmrefreshrate - 1) / 2.
        km = {"kmrefreshrate": 200, "kmpreannounce": 50}
        slt_pair(peers, relay, dict(crypt, **km), dict(crypt, streamid=STREAM_ID, **km))
        return relay, ["AES-CTR with a %d-byte key from passphrase %r on both sides;" % (pbkeylen, PASSPHRASE),
                       "kmrefreshrate=200 kmpreannounce=50 (packets), so in-band KMREQ/KMRSP",
                       "(control type 0x7FFF subtype 3/4) appear while data flows and the data key",
                       "flags switch even -> odd -> even."]
    return scenario


def scenario_slt_badsecret(peers, workdir):
    relay = Relay(free_udp_port()).start()
    slt_pair(peers, relay, {"passphrase": PASSPHRASE, "pbkeylen": 16},
             {"passphrase": OTHER_PASSPHRASE, "pbkeylen": 16, "streamid": STREAM_ID},
             schedule=[("pause", 2.0)], caller_timeout=6, settle=0.3)
    return relay, ["Listener and caller with different passphrases: the listener rejects the",
                   "conclusion handshake (SRT_REJ_BADSECRET, request type 1010)."]


def make_ts(workdir, seconds=2):
    path = os.path.join(workdir, "input.ts")
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                    "-f", "lavfi", "-i", "sine", "-t", str(seconds),
                    "-c:v", "mpeg2video", "-c:a", "mp2", "-f", "mpegts", path],
                   check=True, timeout=60, stdin=subprocess.DEVNULL, capture_output=True)
    with open(path, "rb") as f:
        return f.read()


def scenario_ffmpeg_to_slt(peers, workdir):
    listener_port = free_udp_port()
    relay = Relay(listener_port).start()
    peers.start("listener", [SLT] + SLT_COMMON + [srt_uri(listener_port, mode="listener"), "file://con"])
    wait_until_bound(listener_port)
    # ffmpeg's SRT latency/timeout options are in microseconds.
    caller = peers.start("caller", [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
        "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine",
        "-t", "3", "-c:v", "mpeg2video", "-c:a", "mp2", "-f", "mpegts",
        srt_uri(relay.port, HOST, streamid=STREAM_ID, latency=120000, pkt_size=CHUNK)],
        stdin=subprocess.DEVNULL)
    peers.wait(caller, timeout=20)
    time.sleep(0.8)
    return relay, ["ffmpeg (libsrt caller, MPEG-TS of testsrc + sine for 3 s at -re) publishing to a",
                   "srt-live-transmit listener. ffmpeg's latency is in microseconds (120000 = 120 ms)."]


def scenario_slt_to_ffmpeg(peers, workdir):
    data = make_ts(workdir)
    listener_port = free_udp_port()
    relay = Relay(listener_port).start()
    listener = peers.start("listener", [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
        "-i", srt_uri(listener_port, HOST, mode="listener"), "-f", "null", "-"],
        stdin=subprocess.DEVNULL)
    wait_until_bound(listener_port)
    caller = peers.start("caller", [SLT] + SLT_COMMON + [
        "file://con", srt_uri(relay.port, HOST, streamid=STREAM_ID)], stdin=subprocess.PIPE)
    time.sleep(0.5)
    feeder = Feeder(caller, [("bytes", data, CHUNK, 0.01)])
    feeder.start()
    feeder.join(timeout=20)
    peers.wait(caller, timeout=5)
    peers.wait(listener, timeout=3)
    time.sleep(0.5)
    return relay, ["srt-live-transmit caller (an MPEG-TS file made by ffmpeg, %d bytes, fed to stdin in" % len(data),
                   "1316-byte chunks every 10 ms) to an ffmpeg (libsrt) listener decoding to null."]


def scenario_rendezvous(peers, workdir):
    # Peer A (sender) and peer B (receiver) each bind their own port and name the other's. The
    # relay's front socket is A's remote and fixed to A's port; its back socket is B's remote.
    port_a = free_udp_port()
    port_b = free_udp_port()
    relay = Relay(port_b, caller_addr=(HOST, port_a)).start()
    peers.start("peer_b", [SLT] + SLT_COMMON + [
        srt_uri(relay.back_port, HOST, mode="rendezvous", port=port_b), "file://con"])
    wait_until_bound(port_b)
    peer_a = peers.start("peer_a", [SLT] + SLT_COMMON + [
        "file://con", srt_uri(relay.port, HOST, mode="rendezvous", port=port_a, streamid=STREAM_ID)],
        stdin=subprocess.PIPE)
    time.sleep(1.0)
    feeder = Feeder(peer_a, [("rate", 300, 0.002)])
    feeder.start()
    feeder.join(timeout=10)
    peers.wait(peer_a, timeout=5)
    time.sleep(0.8)
    return relay, ["Two srt-live-transmit in mode=rendezvous; 'c>l' is peer_a (sender) -> peer_b",
                   "(receiver), 'l>c' the reverse. The relay's two sockets are each peer's remote."]


SCENARIOS = collections.OrderedDict([
    ("slt-plain", scenario_slt_plain),
    ("slt-loss", scenario_slt_loss),
    ("slt-crypt16", crypt_scenario(16)),
    ("slt-crypt32", crypt_scenario(32)),
    ("slt-badsecret", scenario_slt_badsecret),
    ("ffmpeg-to-slt", scenario_ffmpeg_to_slt),
    ("slt-to-ffmpeg", scenario_slt_to_ffmpeg),
    ("rendezvous", scenario_rendezvous),
])

# Kinds (as classify() names them, prefix match) each capture must hold, else it is reported.
EXPECTED = {
    "slt-plain": ["handshake/induction", "handshake/conclusion", "ack/full", "ack/light", "ackack",
                  "keepalive", "shutdown", "data"],
    "slt-loss": ["handshake", "nak", "data/rexmit", "ack", "ackack", "shutdown"],
    "slt-crypt16": ["handshake/conclusion", "user_defined/kmreq", "user_defined/kmrsp", "data/even", "data/odd"],
    "slt-crypt32": ["handshake/conclusion", "user_defined/kmreq", "user_defined/kmrsp", "data/even", "data/odd"],
    "slt-badsecret": ["handshake/induction", "handshake/rejection"],
    "ffmpeg-to-slt": ["handshake/conclusion", "data", "ack", "shutdown"],
    "slt-to-ffmpeg": ["handshake/conclusion", "data", "ack", "shutdown"],
    "rendezvous": ["handshake/waveahand", "handshake/conclusion", "data", "ack"],
}


def libsrt_version():
    try:
        result = subprocess.run([SLT, "-version"], capture_output=True, text=True, timeout=10)
        out = result.stdout + result.stderr
        for line in out.splitlines():
            if line.startswith("SRT Library version"):
                version = line.strip()
                break
        else:
            version = out.strip().splitlines()[-1] if out.strip() else "unknown"
    except (OSError, subprocess.TimeoutExpired):
        version = "unknown"
    try:
        package = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}", "libsrt1.5-gnutls"],
                                 capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        package = ""
    return version + ("; Debian package " + package if package else "")


def kind_summary(records):
    counts = collections.Counter(classify(d) for _, d in records)
    return ", ".join("%s=%d" % (k, v) for k, v in sorted(counts.items()))


def run_scenario(name, version):
    with tempfile.TemporaryDirectory(prefix="srt-capture-") as workdir:
        peers = Peers(workdir)
        relay = None
        try:
            relay, notes = SCENARIOS[name](peers, workdir)
        finally:
            peers.stop_all()
            if relay is not None:
                relay.stop()
        if not relay.records:
            print("%s: nothing captured\n%s" % (name, peers.log_tail()), file=sys.stderr)
            return False
        path = os.path.join(VECTORS_DIR, name + ".txt")
        with open(path, "w") as out:
            out.write("# scenario: %s\n" % name)
            for note in notes:
                out.write("# %s\n" % note)
            for peer, command in peers.commands:
                out.write("# %s: %s\n" % (peer, command))
            out.write("# libsrt: %s\n" % version)
            out.write("# captured: %s by scripts/capture-vectors.py\n"
                      % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ"))
            out.write("# relay: forwarded c>l=%d l>c=%d, dropped %d; kept all control packets, data thinned "
                      "(first %d per direction, up to %d retransmissions, up to %d key switches)\n"
                      % (relay.forwarded["c>l"], relay.forwarded["l>c"], relay.dropped, DATA_HEAD,
                         REXMIT_CAP, KK_SWITCH_CAP))
            out.write("# kinds: %s\n" % kind_summary(relay.records))
            for direction, datagram in relay.records:
                out.write("%s %s\n" % (direction, datagram.hex()))
        kinds = collections.Counter(classify(d) for _, d in relay.records)
        missing = [k for k in EXPECTED.get(name, []) if not any(c.startswith(k) for c in kinds)]
        print("%s: %d datagrams -> %s" % (name, len(relay.records), os.path.relpath(path, REPO)))
        for kind, count in sorted(kinds.items()):
            print("    %-28s %d" % (kind, count))
        if missing:
            print("    MISSING expected kinds: %s\n%s" % (", ".join(missing), peers.log_tail()))
        return not missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="default: all of " + ", ".join(SCENARIOS))
    parser.add_argument("--list", action="store_true", help="list scenario names and exit")
    args = parser.parse_args()
    if args.list:
        print("\n".join(SCENARIOS))
        return 0
    unknown = [s for s in args.scenarios if s not in SCENARIOS]
    if unknown:
        parser.error("unknown scenario(s): %s" % ", ".join(unknown))
    os.makedirs(VECTORS_DIR, exist_ok=True)
    version = libsrt_version()
    ok = True
    for name in args.scenarios or list(SCENARIOS):
        try:
            ok = run_scenario(name, version) and ok
        except Exception as error:  # one broken scenario must not stop the others
            print("%s: FAILED: %r" % (name, error), file=sys.stderr)
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
