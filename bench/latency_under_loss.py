#!/usr/bin/env python3
"""End-to-end delay and delivery of a live stream through a lossy link, websrt and libsrt alike.

For each loss rate, the same command shape runs once per tool:
    <tool> srt://:PORT?mode=listener&latency=120 file://con        (receiver, stdout read)
    websrt impair --listen R --to PORT --loss L --delay 20          (20 ms each way: 40 ms RTT)
    <tool> file://con srt://127.0.0.1:R?latency=120                 (sender, fed from stdin)
The feeder writes 1456-byte messages at a steady rate, each starting with its index and the
monotonic time it was written; the reader stamps each message as it comes out of the receiver.
Delivery is the share of messages that arrived, delay is arrival minus write time (p50, p99),
and the retransmission overhead is what the relay saw: SRT data packets from the sender beyond
the messages, divided by the messages (the same count for both tools; FEC packets included).

With a packet filter (`--filter fec,cols:10,rows:5,arq:never`) both ends set it, and messages are
1316 bytes (a filter's FEC header leaves 1452 of a packet's 1456; srt-live-transmit is told -chunk).

    python3 bench/latency_under_loss.py [--losses 0,5,10,20] [--seconds 10] [--mbit 5] [--filter F]
"""
import argparse
import json
import os
import signal
import struct
import subprocess
import threading
import time

from loopback_throughput import free_udp_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHUNK = 1456  # srt-live-transmit's stdin chunk; websrt's payloadsize is set to the same
FILTER_CHUNK = 1316  # the live default, for runs with a packet filter
LATENCY_MS = 120
ONE_WAY_DELAY_MS = 20


def commands(tool, websrt, port, relay_port, chunk, packet_filter):
    options = f"latency={LATENCY_MS}&payloadsize={chunk}" + (f"&packetfilter={packet_filter}" if packet_filter else "")
    listener = f"srt://:{port}?mode=listener&{options}"
    caller = f"srt://127.0.0.1:{relay_port}?{options}"
    if tool == "websrt":
        return [websrt, "transmit", "-q", listener, "file://con"], [websrt, "transmit", "-q", "file://con", caller]
    return (["srt-live-transmit", "-q", f"-chunk:{chunk}", listener, "file://con"],
            ["srt-live-transmit", "-a:no", "-q", f"-chunk:{chunk}", "file://con", caller])


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def run(tool, websrt, loss, seconds, mbit, seed=7, packet_filter=None):
    chunk = FILTER_CHUNK if packet_filter else CHUNK
    port, relay_port = free_udp_port(), free_udp_port()
    receiver_cmd, sender_cmd = commands(tool, websrt, port, relay_port, chunk, packet_filter)
    receiver = subprocess.Popen(receiver_cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    relay = subprocess.Popen([websrt, "impair", "--listen", f"127.0.0.1:{relay_port}", "--to", f"127.0.0.1:{port}",
                              "--loss", str(loss), "--delay", str(ONE_WAY_DELAY_MS), "--seed", str(seed)],
                             stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    sender = subprocess.Popen(sender_cmd, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
    arrivals = {}

    def read():
        pending = b""
        while True:
            data = receiver.stdout.read1(1 << 16)
            if not data:
                return
            now = time.monotonic_ns()
            pending += data
            while len(pending) >= chunk:
                index, written = struct.unpack_from("<QQ", pending)
                arrivals.setdefault(index, (now - written) / 1e6)
                pending = pending[chunk:]

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(0.8)  # both tools discard input until connected
    interval = chunk * 8 / (mbit * 1e6)
    count = int(seconds / interval)
    started = time.monotonic()
    filler = bytes(chunk - 16)
    for index in range(count):
        due = started + index * interval
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        sender.stdin.write(struct.pack("<QQ", index, time.monotonic_ns()) + filler)
        sender.stdin.flush()
    # A live stream goes on: a second more of messages nobody counts, so a lost last message is
    # noticed and recovered (libsrt's sender does not resend the end of a stream by itself).
    tail_end = time.monotonic() + 1.0
    index = count
    while time.monotonic() < tail_end:
        sender.stdin.write(struct.pack("<QQ", 1 << 62 | index, time.monotonic_ns()) + filler)
        sender.stdin.flush()
        index += 1
        time.sleep(interval)
    time.sleep(LATENCY_MS / 1000 + 0.3)
    for process in (sender, receiver):
        process.send_signal(signal.SIGINT)
    for process in (sender, receiver):
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
    relay.send_signal(signal.SIGINT)
    counters = {}
    try:
        _, err = relay.communicate(timeout=5)
        lines = [line for line in err.splitlines() if line.startswith("{")]
        counters = json.loads(lines[-1]) if lines else {}
    except subprocess.TimeoutExpired:
        relay.kill()
    reader.join(timeout=2)
    delays = [d for i, d in arrivals.items() if i < count]
    data_packets = counters.get("to_target", {}).get("srt_data_packets", 0)
    sent = index  # messages written, the tail included: what the sender had to carry once
    return {
        "tool": tool, "loss": loss, "filter": packet_filter or "", "messages": count, "delivered": len(delays),
        "delivery": len(delays) / count if count else 0,
        "p50_ms": percentile(delays, 50), "p99_ms": percentile(delays, 99),
        "retransmit_ratio": max(0, data_packets - sent) / sent if sent and data_packets else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--losses", default="0,5,10,20", help="loss percentages, both directions")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--mbit", type=float, default=5, help="stream rate, Mbit/s")
    parser.add_argument("--tools", default="websrt,srt-live-transmit")
    parser.add_argument("--filter", help="packetfilter on both ends, e.g. fec,cols:10,rows:5,arq:never")
    parser.add_argument("--websrt", default=os.environ.get("WEBSRT_BIN", os.path.join(ROOT, "build", "native", "native-shim", "websrt")))
    args = parser.parse_args()
    print(f"{args.mbit} Mbit/s live, latency {LATENCY_MS} ms, RTT {2 * ONE_WAY_DELAY_MS} ms, {args.seconds} s per run")
    print(f"{'tool':<18} {'loss':>5} {'delivered':>10} {'p50 ms':>8} {'p99 ms':>8} {'retransmitted':>14}")
    for loss in (float(x) for x in args.losses.split(",")):
        for tool in args.tools.split(","):
            r = run(tool, args.websrt, loss, args.seconds, args.mbit, packet_filter=args.filter)
            rr = "-" if r["retransmit_ratio"] is None else f"{100 * r['retransmit_ratio']:.1f}%"
            p50 = "-" if r["p50_ms"] is None else f"{r['p50_ms']:.1f}"
            p99 = "-" if r["p99_ms"] is None else f"{r['p99_ms']:.1f}"
            print(f"{tool:<18} {loss:>4.0f}% {100 * r['delivery']:>9.2f}% {p50:>8} {p99:>8} {rr:>14}", flush=True)


if __name__ == "__main__":
    main()
