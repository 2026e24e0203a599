#!/usr/bin/env python3
"""One live SRT connection on loopback, websrt and libsrt side by side in the same run.

For each offered rate, the same command shape runs twice:
    <tool> file://con  srt://127.0.0.1:PORT?OPTIONS     (caller, fed from stdin at the rate)
    <tool> srt://:PORT?mode=listener&OPTIONS  file://con (listener, stdout read and hashed)
once with `websrt transmit` on both ends and once with srt-live-transmit (libsrt 1.5.1) on both
ends (`--tools` adds the JS package's Node/WASM CLI, `node js/cli.js transmit`). It prints what arrived intact, the delivered throughput, and the CPU seconds (user + system,
from wait4) of each side. A live sender is fed in real time: a rate the tool cannot keep up with
shows as bytes missing, not as a longer run.

    python3 bench/loopback_throughput.py [--rates 20,50,100] [--seconds 4] [--pbkeylen 16] [--websrt PATH]

--pbkeylen 16/24/32 encrypts both tools' streams (AES-CTR, passphrase set on both ends).
"""
import argparse
import hashlib
import os
import signal
import socket
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHUNK = 1456  # srt-live-transmit's stdin chunk; websrt reads payloadsize bytes, set to the same


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def commands(tool, websrt, port, options):
    caller = f"srt://127.0.0.1:{port}?{options}"
    listener = f"srt://:{port}?mode=listener&{options}"
    if tool == "websrt":
        return ([websrt, "transmit", "-q", "file://con", caller], [websrt, "transmit", "-q", listener, "file://con"])
    if tool == "websrt Node/WASM":
        cli = ["node", os.path.join(ROOT, "js", "cli.js"), "transmit", "-q"]
        return (cli + ["file://con", caller], cli + [listener, "file://con"])
    # srt-live-transmit: no auto-reconnect, so it stops when its peer goes.
    return (["srt-live-transmit", "-a:no", "-q", "file://con", caller],
            ["srt-live-transmit", "-q", listener, "file://con"])


def reap(process, timeout):
    """The child's CPU seconds once it has exited within `timeout`, else None."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        pid, _, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            return usage.ru_utime + usage.ru_stime
        time.sleep(0.02)
    return None


def cpu_seconds(process, timeout):
    """Waits for the child (then SIGINT, then SIGKILL when it lingers) and returns its CPU seconds."""
    seconds = reap(process, timeout)
    if seconds is None:
        process.send_signal(signal.SIGINT)  # srt-live-transmit flushes and exits on SIGINT
        seconds = reap(process, 5)
    if seconds is None:
        process.kill()
        _, _, usage = os.wait4(process.pid, 0)
        seconds = usage.ru_utime + usage.ru_stime
    process.returncode = 0  # reaped here: keep Popen from waiting again
    return seconds


def run(tool, websrt, rate, seconds, pbkeylen):
    size = (rate * seconds // CHUNK) * CHUNK
    payload = os.urandom(size)
    expected = hashlib.sha256(payload).hexdigest()
    port = free_udp_port()
    # maxbw above the offered rate; latency for a loaded 2-core machine; a receive buffer that
    # holds rate × latency (the default 8192 packets, about 12 MB, does not at 100 MB/s).
    options = f"payloadsize={CHUNK}&maxbw={int(rate * 1.5)}&latency=200&rcvbuf=30000000"
    if pbkeylen:
        options += f"&passphrase=websrt-bench-secret&pbkeylen={pbkeylen}"
    sender_cmd, receiver_cmd = commands(tool, websrt, port, options)
    receiver = subprocess.Popen(receiver_cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    sender = subprocess.Popen(sender_cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)

    received = {"bytes": 0, "hash": hashlib.sha256(), "last": time.time()}

    def read():
        while True:
            data = receiver.stdout.read1(1 << 20)
            if not data:
                return
            received["bytes"] += len(data)
            received["hash"].update(data[: max(0, size - (received["bytes"] - len(data)))])
            received["last"] = time.time()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    # Both tools discard input read before they are connected: wait for the peer to accept.
    time.sleep(0.5)
    started = time.time()
    view = memoryview(payload)
    piece = 64 * 1024
    for offset in range(0, size, piece):
        sender.stdin.write(view[offset:offset + piece])
        sender.stdin.flush()
        time.sleep(max(0.0, started + (offset + piece) / rate - time.time()))
    fed = time.time() - started
    # Everything fed should arrive about one latency later; stop waiting after a quiet second.
    while received["bytes"] < size and time.time() - received["last"] < 1.0:
        time.sleep(0.02)
    delivered_at = received["last"]
    sender.stdin.close()
    sender_cpu = cpu_seconds(sender, 5 if tool == "websrt" else 0.3)
    receiver_cpu = cpu_seconds(receiver, 3 if tool == "websrt" else 0.3)
    reader.join(timeout=2)
    exact = received["bytes"] == size and received["hash"].hexdigest() == expected
    span = max(delivered_at - started, fed)
    return {
        "tool": tool, "rate": rate, "size": size, "received": received["bytes"], "exact": exact,
        "mbps": received["bytes"] * 8 / span / 1e6, "sender_cpu": sender_cpu, "receiver_cpu": receiver_cpu,
        "span": span,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", default="20,50,100", help="offered rates in MB/s (10^6 bytes)")
    parser.add_argument("--seconds", type=int, default=4, help="stream length at each rate")
    parser.add_argument("--tools", default="websrt,srt-live-transmit",
                        help="comma-separated: websrt, 'websrt Node/WASM' (the JS package's CLI), srt-live-transmit")
    parser.add_argument("--pbkeylen", type=int, choices=(0, 16, 24, 32), default=0, help="AES key length (0: clear)")
    parser.add_argument("--websrt", default=os.environ.get("WEBSRT_BIN", os.path.join(ROOT, "build", "native", "native-shim", "websrt")))
    args = parser.parse_args()
    cipher = f"AES-{args.pbkeylen * 8}-CTR" if args.pbkeylen else "clear"
    print(f"loopback, one live connection, {args.seconds} s per rate, payload {CHUNK} B, latency 200 ms, rcvbuf 30 MB, {cipher}")
    print(f"{'tool':<18} {'offered':>8} {'delivered':>10} {'intact':>7} {'sender CPU':>11} {'receiver CPU':>13} {'CPU/GB (both)':>14}")
    for rate in (int(float(r) * 1e6) for r in args.rates.split(",")):
        for tool in args.tools.split(","):
            r = run(tool, args.websrt, rate, args.seconds, args.pbkeylen)
            gb = max(r["received"], 1) / 1e9
            intact = "yes" if r["exact"] else f"{100 * r['received'] / r['size']:.1f}%"
            print(f"{tool:<18.18} {rate * 8 / 1e6:>6.0f}Mb {r['mbps']:>8.0f}Mb {intact:>7} {r['sender_cpu']:>10.2f}s "
                  f"{r['receiver_cpu']:>12.2f}s {(r['sender_cpu'] + r['receiver_cpu']) / gb:>13.2f}s", flush=True)


if __name__ == "__main__":
    main()
