#!/usr/bin/env python3
"""websrt's benchmarks in one run, each figure next to libsrt's from the same run on the same
machine (`npm run bench`; `npm run bench -- --short` is what CI runs).

Sections (bench/README.md says how each is measured):
  throughput  one live connection on loopback, clear and AES: websrt native, websrt Node/WASM and
              srt-live-transmit (bench/loopback_throughput.py)
  core        the core alone on a simulated 10 Gbit/s link, native and wasm, clear, AES-128 and FEC
              (core_throughput.cpp)
  loss        delivery, p50/p99 delay and retransmissions through `websrt impair` at 0-20 % loss,
              40 ms RTT, 120 ms latency (bench/latency_under_loss.py)
  fec         the same stream at 1/5/10 % loss with FEC alone (fec,cols:10,rows:5,arq:never), ARQ
              alone, and both (arq:always): delivery, p99 delay and overhead, websrt next to
              srt-live-transmit (bench/latency_under_loss.py --filter)
  listener    accepts per second and RSS per idle and active connection of a websrt and a libsrt
              listener under the same libsrt callers (bench/libsrt_peer.py, listener_peer.cpp)
  wasm        WebAssembly memory and the package's gzipped size (bench/wasm_memory.js)
  aes         AES per core on 1316-byte payloads, CTR and GCM, 128/256: the wasm build's bitsliced
              AES next to wolfCrypt's table-based C in wasm, and natively websrt's AES-NI counter
              mode next to wolfCrypt's (aes_throughput.cpp)
  browser     a Chromium page (no DevTools attached) receiving from and sending to srt-live-transmit
              through `websrt bridge`, clear and AES-128: delivered, intact, CPU seconds
              (bench/browser_throughput.js)
  file        file mode: one file websrt → websrt and srt-file-transmit → srt-file-transmit, directly
              and through `websrt impair` at 1/5 % loss (bench/file_transfer.py); and the simulator's
              FileCC goodput by link rate, loss and RTT (tests/sim/file_goodput.cpp)

Writes build/bench/bench-<time>.json and .png (and latest.json/latest.png), prints the tables,
and with --check compares the ratios to libsrt against bench/baseline.json: it fails only when
one fell below the baseline's value times --margin (generous: one run on a shared 2-core machine
is noisy). --update-baseline writes this run's ratios as the new baseline.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)

import file_transfer  # noqa: E402
import latency_under_loss  # noqa: E402
import loopback_throughput  # noqa: E402

NATIVE = os.path.join(ROOT, "build", "native")
WEBSRT = os.environ.get("WEBSRT_BIN", os.path.join(NATIVE, "native-shim", "websrt"))
TOOLS = ["websrt", "websrt Node/WASM", "srt-live-transmit"]

MODES = {
    "short": {"rates": [25e6], "ciphers": [0, 16], "seconds": 2, "losses": [0, 10], "loss_seconds": 5, "fec_losses": [5],
              "core_packets": 200_000, "callers": 30, "file_mb": 20, "file_losses": [0, 5],
              "sim": {"rates": "10,100", "losses": "0,1,5,10", "rtts": "20,200"}, "aes_seconds": 1.5,
              "browser": {"rates": "250", "seconds": 2, "aes": False}},
    "full": {"rates": [20e6, 50e6, 100e6], "ciphers": [0, 16, 32], "seconds": 4, "losses": [0, 5, 10, 20],
             "fec_losses": [1, 5, 10],
             "loss_seconds": 10, "core_packets": 1_000_000, "callers": 100, "file_mb": 100, "file_losses": [0, 1, 5],
             "sim": {"rates": "10,100", "losses": "0,1,2,5,10", "rtts": "20,50,100,200"}, "aes_seconds": 4,
             "browser": {"rates": "100,200,250,300,400", "seconds": 3, "aes": True}},
}


def log(text):
    print(text, file=sys.stderr, flush=True)


# ---- throughput ----

def throughput(mode):
    rows = []
    for pbkeylen in mode["ciphers"]:
        for rate in mode["rates"]:
            for tool in TOOLS:
                log(f"throughput: {tool}, {rate * 8 / 1e6:.0f} Mbit/s, {'AES-%d' % (pbkeylen * 8) if pbkeylen else 'clear'}")
                r = loopback_throughput.run(tool, WEBSRT, int(rate), mode["seconds"], pbkeylen)
                gb = max(r["received"], 1) / 1e9
                rows.append({"tool": tool, "cipher": f"AES-{pbkeylen * 8}" if pbkeylen else "clear",
                             "offered_mbit": rate * 8 / 1e6, "delivered_mbit": r["mbps"], "intact": r["exact"],
                             "sender_cpu_s_per_gb": r["sender_cpu"] / gb, "receiver_cpu_s_per_gb": r["receiver_cpu"] / gb})
    return rows


# ---- the core at 10 Gbit/s ----

def core(mode):
    rows = []
    wasm = os.path.join(ROOT, "build", "wasm", "bench", "websrt_core_bench.cjs")
    for build, command in (("native", [os.path.join(NATIVE, "bench", "websrt_core_bench")]), ("wasm", ["node", wasm])):
        # With FEC, the filter's cost at both ends; 255 × 255, the largest matrix a peer may ask
        # for, is its worst case (the receiver's window then holds 1530 groups).
        for cipher, extra in (("clear", []), ("AES-128", ["--passphrase", "websrt-bench-secret"]),
                              ("clear, fec,cols:10,rows:5", ["--packet-filter", "fec,cols:10,rows:5"]),
                              ("clear, fec,cols:255,rows:255", ["--packet-filter", "fec,cols:255,rows:255"])):
            log(f"core: {build}, {cipher}")
            out = subprocess.run(command + ["--packets", str(mode["core_packets"])] + extra,
                                 capture_output=True, text=True, timeout=600)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append({"build": build, "cipher": cipher, **result})
    return rows


# ---- AES per core ----

def aes(mode):
    rows = []
    wasm = os.path.join(ROOT, "build", "wasm", "bench", "websrt_aes_bench.cjs")
    for build, command in (("native", [os.path.join(NATIVE, "bench", "websrt_aes_bench")]), ("wasm", ["node", wasm])):
        log(f"aes: {build}")
        out = subprocess.run(command + ["--seconds", str(mode["aes_seconds"])], capture_output=True, text=True,
                             timeout=600, check=True)
        rows += [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return rows


# ---- latency under loss ----

def loss(mode):
    rows = []
    for percent in mode["losses"]:
        for tool in ("websrt", "srt-live-transmit"):
            log(f"loss: {tool}, {percent} %")
            rows.append(latency_under_loss.run(tool, WEBSRT, percent, mode["loss_seconds"], 5))
    return rows


# ---- FEC against ARQ ----

# The packet filter's three uses, by the name the tables give them (None: no filter, SRT's ARQ).
FEC_SCHEMES = {"ARQ": None, "FEC": "fec,cols:10,rows:5,arq:never", "FEC+ARQ": "fec,cols:10,rows:5,arq:always"}


def fec(mode):
    rows = []
    for percent in mode["fec_losses"]:
        for scheme, packet_filter in FEC_SCHEMES.items():
            for tool in ("websrt", "srt-live-transmit"):
                log(f"fec: {scheme}, {tool}, {percent} %")
                row = latency_under_loss.run(tool, WEBSRT, percent, mode["loss_seconds"], 5, packet_filter=packet_filter)
                rows.append(dict(row, scheme=scheme))
    return rows


# ---- listeners: accept rate and memory per connection ----

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start_listener(kind):
    port = loopback_throughput.free_udp_port()
    command = ([os.path.join(NATIVE, "bench", "websrt_bench_listener"), str(port)] if kind == "websrt"
               else [sys.executable, os.path.join(BENCH, "libsrt_peer.py"), "listen", str(port)])
    listener = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    listener.stdout.readline()  # "listening"
    return listener, port


def listeners(mode):
    """Both listeners run at once and take the same callers in turn, so that a slow moment of the
    machine (the first connects after the loss and fec sections ran at half speed, whichever
    listener came first) falls on both alike."""
    import libsrt_peer  # loads libsrt: only when this section runs

    kinds = ("websrt", "libsrt")
    callers = mode["callers"]
    log(f"listener: websrt and libsrt, {callers} libsrt callers each, in turn")
    started = {kind: start_listener(kind) for kind in kinds}
    try:
        time.sleep(0.3)
        listening = {kind: rss_kib(started[kind][0].pid) for kind in kinds}
        # Untimed connects first (growth per connection counts from after them).
        for kind in kinds:
            for warm in [libsrt_peer.Caller("127.0.0.1", started[kind][1]) for _ in range(5)]:
                warm.close()
        time.sleep(0.3)
        before = {kind: rss_kib(started[kind][0].pid) for kind in kinds}
        # Sequential blocking connects, each timed: the rate is one over the median, since
        # libsrt's connecting caller polls for the answer and now and then waits out one more poll.
        sockets = {kind: [] for kind in kinds}
        durations = {kind: [] for kind in kinds}
        for _ in range(callers):
            for kind in kinds:
                began = time.perf_counter()
                sockets[kind].append(libsrt_peer.Caller("127.0.0.1", started[kind][1]))
                durations[kind].append(time.perf_counter() - began)
        time.sleep(1.0)
        idle = {kind: rss_kib(started[kind][0].pid) for kind in kinds}
        rows = {}
        for kind in kinds:
            # Every caller sends 1 Mbit/s for 2 s (1316-byte messages), the listener reads it all.
            message = b"\x47" * 1316
            interval = 1316 * 8 / 1e6
            end = time.perf_counter() + 2
            next_round = time.perf_counter()
            while time.perf_counter() < end:
                for s in sockets[kind]:
                    s.send(message)
                next_round += interval
                time.sleep(max(0.0, next_round - time.perf_counter()))
            time.sleep(0.3)
            active = rss_kib(started[kind][0].pid)
            for s in sockets[kind]:
                s.close()
            rows[kind] = {"accepts_per_second": 1 / sorted(durations[kind])[callers // 2],
                          "rss_kib_listening": listening[kind],
                          "kib_per_idle_connection": (idle[kind] - before[kind]) / callers,
                          "kib_per_active_connection": (active - before[kind]) / callers}
        return rows
    finally:
        for listener, _ in started.values():
            listener.kill()
            listener.wait()


# ---- file mode ----

def file_mode(mode):
    transfers = []
    for loss_percent in mode["file_losses"]:
        for tool in file_transfer.TOOLS:
            log(f"file: {tool}, {mode['file_mb']} MB, {loss_percent} % loss")
            transfers.append(file_transfer.run(tool, WEBSRT, int(mode["file_mb"] * 1e6), loss_percent, 22, 90))
    log("file: simulator goodput rows")
    sim = mode["sim"]
    out = subprocess.run([os.path.join(NATIVE, "tests", "sim", "websrt_sim_file"), "--rates", sim["rates"],
                          "--losses", sim["losses"], "--rtts", sim["rtts"], "--limit", "60"],
                         capture_output=True, text=True, timeout=600)
    return {"transfers": transfers, "simulated": [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]}


def browser(mode):
    """Each rate each way, in the clear and (full mode) with AES-128."""
    rows = []
    settings = mode["browser"]
    for passphrase in ["", "websrt-bench-secret"] if settings["aes"] else [""]:
        log(f"browser: Chromium through the bridge at {settings['rates']} Mbit/s{', AES-128' if passphrase else ''}")
        command = ["node", os.path.join(BENCH, "browser_throughput.js"), "--rates", settings["rates"],
                   "--seconds", str(settings["seconds"]), "--json"] + (["--passphrase", passphrase] if passphrase else [])
        out = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
        if out.returncode != 0:
            raise RuntimeError(f"browser_throughput.js failed: {out.stderr[-2000:]}")
        rows += json.loads(out.stdout.strip().splitlines()[-1])
    return rows


def wasm_memory(_mode):
    log("wasm: memory and package size")
    out = subprocess.run(["node", os.path.join(BENCH, "wasm_memory.js")], capture_output=True, text=True, timeout=120, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---- ratios, tables, chart ----

def pick(rows, **match):
    for row in rows:
        if all(row.get(k) == v for k, v in match.items()):
            return row
    return None


def ratios(result):
    """websrt's figures as multiples of libsrt's, each oriented so that higher is better."""
    out = {}
    top = max(r["offered_mbit"] for r in result["throughput"])
    for cipher in sorted({r["cipher"] for r in result["throughput"]}):
        slt = pick(result["throughput"], tool="srt-live-transmit", cipher=cipher, offered_mbit=top)
        for tool, key in (("websrt", "native"), ("websrt Node/WASM", "node_wasm")):
            mine = pick(result["throughput"], tool=tool, cipher=cipher, offered_mbit=top)
            if slt and mine and mine["intact"]:
                both = lambda r: r["sender_cpu_s_per_gb"] + r["receiver_cpu_s_per_gb"]  # noqa: E731
                out[f"throughput_per_cpu_{key}_{cipher}"] = both(slt) / both(mine)
    for r in result["loss"]:
        if r["tool"] != "websrt" or not r["loss"]:
            continue
        slt = pick(result["loss"], tool="srt-live-transmit", loss=r["loss"])
        out[f"delivery_{r['loss']:g}pct"] = r["delivery"] / slt["delivery"] if slt["delivery"] else 0
        if r["retransmit_ratio"] and slt["retransmit_ratio"]:
            out[f"retransmit_economy_{r['loss']:g}pct"] = slt["retransmit_ratio"] / r["retransmit_ratio"]
    for r in result.get("fec", []):
        if r["tool"] != "websrt":
            continue
        slt = pick(result["fec"], tool="srt-live-transmit", loss=r["loss"], scheme=r["scheme"])
        if slt and slt["delivery"]:
            out[f"fec_delivery_{r['scheme']}_{r['loss']:g}pct"] = r["delivery"] / slt["delivery"]
    # A page's stream against what srt-live-transmit offered it: 1.0 when all of it came through intact.
    for r in result.get("browser", []):
        direction = "receive" if r["direction"].startswith("libsrt") else "send"
        name = f"browser_{direction}_{r['mbit']}_{'aes' if r['aes'] else 'clear'}"
        out[name] = (r["mbps"] / r["mbit"]) if r["intact"] and r["mbps"] else 0.0
    for r in result["file"]["transfers"]:
        sft = pick(result["file"]["transfers"], tool="srt-file-transmit", loss=r["loss"])
        if r["tool"] != "websrt" or not (r["finished"] and sft and sft["finished"]):
            continue
        out[f"file_throughput_{r['loss']:g}pct"] = r["mbps"] / sft["mbps"]
        if not r["loss"]:
            both = lambda x: x["sender_cpu_s_per_gb"] + x["receiver_cpu_s_per_gb"]  # noqa: E731
            out["file_throughput_per_cpu"] = both(sft) / both(r)
    # AES against the implementation it replaces, timed in the same process (robust on a noisy host).
    for r in result["aes"]:
        if r["implementation"] == "bitsliced" and r["build"] == "wasm":
            reference = pick(result["aes"], build="wasm", implementation="wolfCrypt C (tables)", mode=r["mode"],
                             key_bits=r["key_bits"])
            out[f"aes_wasm_{r['mode']}_{r['key_bits']}_vs_wolfcrypt_c"] = \
                r["megabytes_per_cpu_second"] / reference["megabytes_per_cpu_second"]
        if r["implementation"] == "websrt AES-NI":
            reference = pick(result["aes"], build="native", implementation="wolfCrypt AES-NI", mode="CTR",
                             key_bits=r["key_bits"])
            out[f"aes_native_CTR_{r['key_bits']}_vs_wolfcrypt"] = \
                r["megabytes_per_cpu_second"] / reference["megabytes_per_cpu_second"]
    lw, ll = result["listener"]["websrt"], result["listener"]["libsrt"]
    out["accepts_per_second"] = lw["accepts_per_second"] / ll["accepts_per_second"]
    for key in ("idle", "active"):
        w = max(lw[f"kib_per_{key}_connection"], 1)
        out[f"memory_per_{key}_connection"] = ll[f"kib_per_{key}_connection"] / w
    return out


def section(title, columns, rows):
    """A Markdown table under a heading."""
    return ["", f"### {title}", "", "| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)] + \
        ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


def tables(result):
    dash = lambda v, f: "-" if v is None else f.format(v)  # noqa: E731
    lines = section("Throughput, one connection on loopback (CPU s per GB delivered, sender / receiver)",
                    ["cipher", "offered Mbit/s", "tool", "delivered Mbit/s", "intact", "sender CPU s/GB", "receiver CPU s/GB"],
                    [[r["cipher"], f"{r['offered_mbit']:.0f}", r["tool"], f"{r['delivered_mbit']:.0f}", "yes" if r["intact"] else "NO",
                      f"{r['sender_cpu_s_per_gb']:.2f}", f"{r['receiver_cpu_s_per_gb']:.2f}"] for r in result["throughput"]])
    lines += section("The core alone, simulated 10 Gbit/s link (both ends in one thread; libsrt has no sans-IO core to compare)",
                     ["build", "cipher, filter", "packets", "delivered", "CPU seconds", "packets per CPU second", "simulated Gbit/s"],
                     [[r["build"], r["cipher"], r["packets"], r["delivered"], f"{r['cpu_seconds']:.2f}",
                       f"{r['packets_per_cpu_second']:,.0f}", f"{r['simulated_gbit']:.1f}"] for r in result["core"]])
    lines += section("Live stream through `websrt impair` (5 Mbit/s, 40 ms RTT, latency 120 ms)",
                     ["loss", "tool", "delivered", "p50 delay ms", "p99 delay ms", "retransmitted"],
                     [[f"{r['loss']:g} %", r["tool"], f"{100 * r['delivery']:.2f} %", dash(r["p50_ms"], "{:.1f}"),
                       dash(r["p99_ms"], "{:.1f}"), dash(r["retransmit_ratio"] and 100 * r["retransmit_ratio"], "{:.1f} %")]
                      for r in result["loss"]])
    if result.get("fec"):
        lines += section("FEC against ARQ through `websrt impair` (5 Mbit/s of 1316-byte messages, 40 ms RTT, "
                         "latency 120 ms; FEC: fec,cols:10,rows:5 staircase)",
                         ["loss", "scheme", "tool", "delivered", "p50 delay ms", "p99 delay ms", "overhead"],
                         [[f"{r['loss']:g} %", r["scheme"], r["tool"], f"{100 * r['delivery']:.2f} %",
                           dash(r["p50_ms"], "{:.1f}"), dash(r["p99_ms"], "{:.1f}"),
                           dash(r["retransmit_ratio"] and 100 * r["retransmit_ratio"], "{:.1f} %")] for r in result["fec"]])
    lines += section("Listeners under the same libsrt callers",
                     ["listener", "accepts per second", "RSS listening", "KiB per idle connection", "KiB per active connection"],
                     [[name, f"{r['accepts_per_second']:.0f}", f"{r['rss_kib_listening'] / 1024:.1f} MiB",
                       f"{r['kib_per_idle_connection']:.0f}", f"{r['kib_per_active_connection']:.0f}"]
                      for name, r in result["listener"].items()])
    lines += section("File mode, one file (20 ms each way through `websrt impair` when lossy, seed 22)",
                     ["loss", "tool", "Mbit/s", "intact", "finished", "sender CPU s/GB", "receiver CPU s/GB"],
                     [[f"{r['loss']:g} %", r["tool"], f"{r['mbps']:.1f}", "yes" if r["intact"] else "NO",
                       "yes" if r["finished"] else f"no ({100 * r['received'] / r['size']:.0f} % in {r['seconds']:.0f} s)",
                       f"{r['sender_cpu_s_per_gb']:.2f}", f"{r['receiver_cpu_s_per_gb']:.2f}"]
                      for r in result["file"]["transfers"]])
    lines += section("File mode on the simulator: websrt's FileCC, 5 MB, goodput by link",
                     ["link Mbit/s", "RTT ms", "loss", "goodput Mbit/s", "share of link", "retransmitted", "finished"],
                     [[f"{r['rate_mbit']:g}", f"{r['rtt_ms']:g}", f"{r['loss']:g} %", f"{r['goodput_mbit']:.2f}",
                       f"{100 * r['goodput_mbit'] / r['rate_mbit']:.0f} %", f"{100 * r['retransmitted']:.1f} %",
                       "yes" if r["finished"] else "no"] for r in result["file"]["simulated"]])
    if result.get("browser"):
        lines += section("A Chromium page through `websrt bridge` (no DevTools attached), srt-live-transmit the listener",
                         ["direction", "cipher", "offered Mbit/s", "delivered Mbit/s", "intact", "bridge CPU s", "Chromium CPU s"],
                         [[r["direction"], "AES-128" if r["aes"] else "clear", r["mbit"], dash(r["mbps"], "{:.1f}"),
                           "yes" if r["intact"] else "NO", f"{r['bridgeCpu']:.2f}", f"{r['chromiumCpu']:.2f}"]
                          for r in result["browser"]])
    lines += section("AES per core, 1316-byte payloads (MB per CPU second)",
                     ["build", "implementation", "mode", "key bits", "MB/s"],
                     [[r["build"], r["implementation"], r["mode"], r["key_bits"], f"{r['megabytes_per_cpu_second']:.0f}"]
                      for r in result["aes"]])
    w = result["wasm"]
    lines += section("WebAssembly (Node; both ends of each connection in one module)",
                     ["wasm memory", "heap per endpoint", "heap per idle connection", "heap per active connection",
                      "wasm (gzipped)", "JS (gzipped)"],
                     [[f"{w['wasmMemoryActive'] / 2**20:.0f} MiB", f"{w['heapPerEndpoint'] / 1024:.0f} KiB",
                       f"{w['heapPerIdleConnection'] / 1024:.0f} KiB", f"{w['heapPerActiveConnection'] / 1024:.0f} KiB",
                       f"{w['wasm'] / 1024:.0f} KiB ({w['wasmGzip'] / 1024:.0f} KiB)", f"{w['jsGzip'] / 1024:.0f} KiB"]])
    lines += section("websrt as a multiple of libsrt (aes_*: of the wolfCrypt code it replaces; higher is better)",
                     ["figure", "ratio"],
                     [[k, f"{v:.2f}"] for k, v in result["ratios"].items()])
    return "\n".join(lines[1:])


def chart(result, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("no matplotlib (apt-get install python3-matplotlib): chart skipped")
        return False
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    colors = {"websrt": "#2a7ab0", "websrt Node/WASM": "#7fb8dc", "srt-live-transmit": "#d9822b", "libsrt": "#d9822b"}
    top = max(r["offered_mbit"] for r in result["throughput"])
    ciphers = sorted({r["cipher"] for r in result["throughput"]})
    ax = axes[0][0]
    for i, tool in enumerate(TOOLS):
        values = [(pick(result["throughput"], tool=tool, cipher=c, offered_mbit=top) or {}) for c in ciphers]
        ax.bar([x + i * 0.27 for x in range(len(ciphers))],
               [v.get("sender_cpu_s_per_gb", 0) + v.get("receiver_cpu_s_per_gb", 0) for v in values], 0.27,
               label=tool, color=colors[tool])
    ax.set_xticks([x + 0.27 for x in range(len(ciphers))], ciphers)
    ax.set_title(f"CPU s per GB, both sides, {top:.0f} Mbit/s (lower is better)")
    ax.legend()
    ax = axes[0][1]
    losses = sorted({r["loss"] for r in result["loss"]})
    for i, tool in enumerate(("websrt", "srt-live-transmit")):
        ax.bar([x + i * 0.4 for x in range(len(losses))],
               [(pick(result["loss"], tool=tool, loss=p) or {}).get("p99_ms") or 0 for p in losses], 0.4, label=tool, color=colors[tool])
    ax.set_xticks([x + 0.2 for x in range(len(losses))], [f"{p:g} %" for p in losses])
    ax.set_title("p99 end-to-end delay under loss, ms (latency 120 ms)")
    ax.legend(loc="lower right")
    ax = axes[1][0]
    kinds = ("idle", "active")
    for i, name in enumerate(("websrt", "libsrt")):
        ax.bar([x + i * 0.4 for x in range(2)], [result["listener"][name][f"kib_per_{k}_connection"] for k in kinds], 0.4,
               label=name, color=colors[name])
    ax.set_xticks([0.2, 1.2], ["idle", "active"])
    ax.set_title("listener KiB per connection (lower is better)")
    ax.legend()
    ax = axes[1][1]
    names = list(result["ratios"])
    ax.barh(names, [result["ratios"][n] for n in names], color="#2a7ab0")
    ax.axvline(1, color="#d9822b")
    ax.set_title("websrt ÷ libsrt (higher is better)")
    ax.tick_params(axis="y", labelsize=7)
    fig.suptitle(f"websrt vs libsrt, {result['date']} ({result['mode']} mode)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    return True


def check(result, baseline_path, margin):
    with open(baseline_path) as f:
        baseline = json.load(f)["ratios"]
    failures = []
    for name, base in baseline.items():
        now = result["ratios"].get(name)
        if now is None:
            failures.append(f"{name}: missing from this run (baseline {base:.2f})")
        elif now < base * margin:
            failures.append(f"{name}: {now:.2f}, below {margin:.2f} × the baseline's {base:.2f}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help="CI's quick mode (about 1.5 minutes)")
    parser.add_argument("--out", default=os.path.join(ROOT, "build", "bench"))
    parser.add_argument("--check", action="store_true", help="fail on a regression against --baseline")
    parser.add_argument("--baseline", default=os.path.join(BENCH, "baseline.json"))
    parser.add_argument("--margin", type=float, default=0.5, help="a ratio may fall to this share of its baseline")
    parser.add_argument("--update-baseline", action="store_true")
    parser.add_argument("--only", help="comma-separated sections (throughput,core,loss,fec,listener,wasm,file,aes,browser)")
    args = parser.parse_args()
    mode_name = "short" if args.short else "full"
    mode = MODES[mode_name]
    sections = {"throughput": throughput, "core": core, "loss": loss, "fec": fec, "listener": listeners, "wasm": wasm_memory,
                "file": file_mode, "aes": aes, "browser": browser}
    wanted = args.only.split(",") if args.only else list(sections)
    result = {"date": time.strftime("%Y-%m-%d %H:%M"), "mode": mode_name,
              "machine": {"cpus": os.cpu_count(), "kernel": platform.release(), "python": platform.python_version()}}
    for name in wanted:
        result[name] = sections[name](mode)
    if not args.only:
        result["ratios"] = ratios(result)
    os.makedirs(args.out, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    json_path = os.path.join(args.out, f"bench-{stamp}.json")
    with open(json_path, "w") as f:
        json.dump(result, f, indent=1)
    with open(os.path.join(args.out, "latest.json"), "w") as f:
        json.dump(result, f, indent=1)
    if args.only:
        print(json.dumps(result, indent=1))
        return 0
    print(tables(result))
    png = os.path.join(args.out, f"bench-{stamp}.png")
    if chart(result, png):
        subprocess.run(["cp", png, os.path.join(args.out, "latest.png")], check=False)
        print(f"\nchart: {png}")
    print(f"results: {json_path}")
    if args.update_baseline:
        with open(args.baseline, "w") as f:
            json.dump({"date": result["date"], "mode": mode_name, "ratios": result["ratios"]}, f, indent=1)
            f.write("\n")
        print(f"baseline written: {args.baseline}")
    if args.check:
        failures = check(result, args.baseline, args.margin)
        for failure in failures:
            print(f"REGRESSION {failure}")
        if failures:
            return 1
        print(f"no figure regressed beyond {args.margin:.2f} × its baseline ({args.baseline})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
