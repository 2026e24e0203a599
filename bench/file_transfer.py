#!/usr/bin/env python3
"""One file-mode transfer, websrt and libsrt side by side in the same run.

The same file goes from a caller to a listener twice: `websrt transmit file:///in srt://…?transtype=file`
into `websrt transmit srt://:P?transtype=file file:///out`, then srt-file-transmit into srt-file-transmit
(libsrt 1.5.1, file mode with its FileCC). Directly on loopback, or through `websrt impair` (loss %,
20 ms each way: 40 ms RTT) with the same seed for both tools. It reports the throughput (file size
over the time from the sender's start to the receiver's complete file), whether the file arrived
byte for byte, and the CPU seconds (user + system, from wait4) of each side per GB.

    python3 bench/file_transfer.py [--size-mb 20] [--losses 0,1,5] [--seed 22] [--limit 60]

A transfer that has not finished within --limit seconds is stopped and reported as unfinished,
with the bytes that had arrived (FileCC, libsrt's as websrt's, reads random loss as congestion and
on some loss patterns slows to a crawl: seed 22 is one where both finish).
"""
import argparse
import hashlib
import os
import subprocess
import tempfile
import time

from loopback_throughput import cpu_seconds, free_udp_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = ("websrt", "srt-file-transmit")


def commands(tool, websrt, port, target_port, source, output_dir):
    """(receiver, sender) commands, and where the receiver writes the file."""
    if tool == "websrt":
        output = os.path.join(output_dir, "received.bin")
        return ([websrt, "transmit", "-q", f"srt://:{port}?transtype=file", f"file://{output}"],
                [websrt, "transmit", "-q", f"file://{source}", f"srt://127.0.0.1:{target_port}?transtype=file"], output)
    # srt-file-transmit's listener writes under the stream id its caller sends: the input's name.
    return (["srt-file-transmit", "-q", f"srt://:{port}", f"file://{output_dir}/"],
            ["srt-file-transmit", "-q", f"file://{source}", f"srt://127.0.0.1:{target_port}"],
            os.path.join(output_dir, os.path.basename(source)))


def wait_for_port(port, timeout=5.0):
    """Until something has bound UDP `port` (the listener is up)."""
    hex_port = f":{port:04X}"
    deadline = time.time() + timeout
    while time.time() < deadline:
        for table in ("/proc/net/udp", "/proc/net/udp6"):
            try:
                with open(table) as f:
                    if any(line.split()[1].endswith(hex_port) for line in list(f)[1:]):
                        return True
            except OSError:
                pass
        time.sleep(0.02)
    return False


def running(process):
    """Whether the child still runs, without reaping it (cpu_seconds reads its usage with wait4)."""
    return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None


def file_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def run(tool, websrt, size, loss, seed, limit):
    with tempfile.TemporaryDirectory(prefix="websrt-bench-file-") as workdir:
        source = os.path.join(workdir, "input.bin")
        data = os.urandom(size)
        with open(source, "wb") as f:
            f.write(data)
        expected = hashlib.sha256(data).hexdigest()
        output_dir = os.path.join(workdir, "out")
        os.mkdir(output_dir)
        port = free_udp_port()
        relay = None
        target = port
        if loss:
            target = free_udp_port()
            relay = subprocess.Popen([websrt, "impair", "--listen", f"127.0.0.1:{target}", "--to", f"127.0.0.1:{port}",
                                      "--loss", str(loss), "--delay", "20", "--seed", str(seed)],
                                     stderr=subprocess.DEVNULL)
        receiver_cmd, sender_cmd, output = commands(tool, websrt, port, target, source, output_dir)
        receiver = subprocess.Popen(receiver_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_port(port)
            if relay:
                wait_for_port(target)
            started = time.time()
            sender = subprocess.Popen(sender_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # Done when the receiver has the whole file (srt-file-transmit's listener then exits too).
            while file_size(output) < size and time.time() - started < limit and running(receiver):
                time.sleep(0.02)
            while file_size(output) >= size and running(receiver) and time.time() - started < limit:
                time.sleep(0.02)  # the receiver exits once the sender closed
            elapsed = time.time() - started
            sender_cpu = cpu_seconds(sender, 2)
            receiver_cpu = cpu_seconds(receiver, 2)
        finally:
            if relay:
                relay.kill()
                relay.wait()
        received = file_size(output)
        intact = False
        if received == size:
            with open(output, "rb") as f:
                intact = hashlib.sha256(f.read()).hexdigest() == expected
        gb = max(received, 1) / 1e9
        return {"tool": tool, "loss": loss, "size": size, "received": received, "intact": intact,
                "finished": intact and elapsed < limit, "seconds": elapsed, "mbps": received * 8 / elapsed / 1e6,
                "sender_cpu_s_per_gb": sender_cpu / gb, "receiver_cpu_s_per_gb": receiver_cpu / gb}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=float, default=20)
    parser.add_argument("--losses", default="0,1,5", help="loss % through websrt impair (0: directly)")
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--limit", type=float, default=60)
    parser.add_argument("--websrt", default=os.environ.get("WEBSRT_BIN", os.path.join(ROOT, "build", "native", "native-shim", "websrt")))
    args = parser.parse_args()
    size = int(args.size_mb * 1e6)
    print(f"{'tool':<18} {'loss':>5} {'Mbit/s':>8} {'intact':>7} {'sender CPU s/GB':>16} {'receiver CPU s/GB':>18}")
    for loss in (float(x) for x in args.losses.split(",")):
        for tool in TOOLS:
            r = run(tool, args.websrt, size, loss, args.seed, args.limit)
            intact = "yes" if r["intact"] else f"{100 * r['received'] / size:.0f}%"
            print(f"{tool:<18} {loss:>4g}% {r['mbps']:>8.1f} {intact:>7} {r['sender_cpu_s_per_gb']:>16.2f} "
                  f"{r['receiver_cpu_s_per_gb']:>18.2f}", flush=True)


if __name__ == "__main__":
    main()
