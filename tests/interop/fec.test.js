// The fec packet filter against libsrt 1.5.1 and 1.5.5 (srt-live-transmit), both directions,
// through `websrt impair` at 1 % and 5 % random loss and 5 % in bursts: every message arrives, in
// order, byte for byte, with FEC rebuilding packets (pktRcvFilterSupply) or libsrt's receiver
// taking websrt's FEC; the same from the Node API (the WebAssembly core). With arq:onreq a libsrt
// receiver asks once: a relay that also loses the first retransmissions shows websrt's receiver
// asking again and websrt's sender resending them. With arq:never (FEC alone), what a websrt receiver delivers is compared with
// what a libsrt receiver delivers from the same libsrt sender through the same relay.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";

import { SrtServer, SrtSocket } from "websrt";
import {
  exitWithin, feedSlt, impairRelay, killAll, lastStats, libsrtPeers, libsrt155, listeningPort, requireWebsrt,
  reservedUdpPort, sendPaced, sleep, start, startLibsrt, startSltSender, stderrMatches, udpPortBound, until,
} from "./peers.js";

after(killAll);

const size = 1316;  // 7 MPEG-TS packets, the live payload default
const count = 2000;  // 2.6 MB
const rate = 2_000_000;
const latency = "latency=400";
const filter = "packetfilter=fec,cols:10,rows:5";  // staircase, arq:onreq: libsrt's defaults

function message(index) {
  const bytes = Buffer.alloc(size, index & 0xff);
  bytes.writeUInt32BE(index, 0);
  return bytes;
}
const stream = Buffer.concat(Array.from({ length: count }, (_, i) => message(i)));
// Half a second more, so that a lost last packet is noticed; numbered on, never compared.
const tail = Buffer.concat(Array.from({ length: Math.ceil(rate / 2 / size) }, (_, i) => message(count + i)));

/** A UDP socket on loopback that keeps the numbered messages it receives, by number. */
async function numberedSink() {
  const socket = createSocket("udp4");
  await new Promise((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const received = new Map();
  socket.on("message", (m) => {
    if (m.length === size && m.readUInt32BE(0) < count) received.set(m.readUInt32BE(0), m);
  });
  return { socket, received, port: socket.address().port, close: () => socket.close() };
}

/** Sends the numbered stream as datagrams at `rate`, then the tail. */
async function sendNumbered(port) {
  const socket = createSocket("udp4");
  const data = Buffer.concat([stream, tail]);
  const started = Date.now();
  for (let offset = 0, i = 0; offset < data.length; offset += size, ++i) {
    await new Promise((resolve) => socket.send(data.subarray(offset, offset + size), port, "127.0.0.1", resolve));
    if (i % 16 === 15) {
      const due = started + ((offset + size) / rate) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
  }
  socket.close();
}

function assertWhole(received, what) {
  assert.equal(received.size, count, `${what}: ${received.size} of ${count} messages`);
  for (let i = 0; i < count; ++i) assert.ok(received.get(i)?.equals(message(i)), `${what}: message ${i}`);
}

/**
 * srt-live-transmit `peer` sends the numbered stream to a `websrt transmit` listener through the
 * relay `relayTo(listenerPort)` starts (it resolves with the port to send to); resolves with what
 * arrived, by number, and the listener's last stats, once every message arrived.
 */
async function sltToWebsrt(peer, query, relayTo) {
  const sink = await numberedSink();
  try {
    const receiver = start(requireWebsrt(), ["transmit", "--stats-every", "500",
      `srt://:0?mode=listener&${query}`, `udp://127.0.0.1:${sink.port}`]);
    const target = await relayTo(await listeningPort(receiver, "websrt listener"));
    const sender = await startSltSender(peer, `srt://127.0.0.1:${target}?${query}`, ["-a:no"], { throughUdp: true });
    await stderrMatches(sender, /SRT target connected/, 10_000, "srt-live-transmit connecting");
    await feedSlt(sender, Buffer.concat([stream, tail]), rate, size);
    await until(() => sink.received.size >= count, 15_000, () => `${count} messages (${sink.received.size} arrived)`);
    await until(() => /"pktRcvFilterSupplyTotal"/.test(receiver.stderrText), 5000, () => "a stats line");
    sender.kill("SIGINT");
    receiver.kill("SIGINT");
    await exitWithin(receiver, 10_000, "websrt listener");
    return { received: sink.received, stats: lastStats(receiver) };
  } finally {
    sink.close();
  }
}

/**
 * `websrt transmit` sends the numbered stream (from UDP) to a srt-live-transmit `peer` listener
 * through the relay `relayTo(listenerPort)` starts; resolves with what arrived and the sender's
 * last stats, once every message arrived.
 */
async function websrtToSlt(peer, query, relayTo) {
  const sink = await numberedSink();
  try {
    const port = await reservedUdpPort();
    const receiver = startLibsrt(peer, "srt-live-transmit",
      [`srt://:${port}?mode=listener&${query}`, `udp://127.0.0.1:${sink.port}`]);
    await udpPortBound(port, 5000, receiver);
    const target = await relayTo(port);
    const inputPort = await reservedUdpPort();
    const sender = start(requireWebsrt(), ["transmit", "--stats-every", "500", `udp://127.0.0.1:${inputPort}`,
      `srt://127.0.0.1:${target}?${query}`]);
    await stderrMatches(sender, /connected/, 10_000, "websrt caller");
    await udpPortBound(inputPort, 5000, sender);
    await sendNumbered(inputPort);
    await until(() => sink.received.size >= count, 15_000, () => `${count} messages (${sink.received.size} arrived)`);
    sender.kill("SIGINT");
    await exitWithin(sender, 10_000, "websrt caller");
    receiver.kill("SIGINT");
    return { received: sink.received, stats: lastStats(sender) };
  } finally {
    sink.close();
  }
}

// With arq:onreq a libsrt receiver NAKs a packet once, when FEC gives up on it, and a lost
// retransmission loses it (a libsrt pair loses a few packets in 2000 through bursts of 3 so);
// websrt's receiver asks again in its periodic NAK report. Bursts therefore run with arq:always,
// FEC and SRT's own retransmission together.
const profiles = [
  { name: "1 % loss", relay: { loss: 1, delay: 10, jitter: 0 }, filter },
  { name: "5 % loss", relay: { loss: 5, delay: 10, jitter: 0 }, filter },
  { name: "5 % loss in bursts of 3 (arq:always)", relay: { loss: 5, burst: 3, delay: 10, jitter: 0 },
    filter: `${filter},arq:always` },
];

for (const peer of libsrtPeers) describe(`FEC with libsrt ${peer.version}`, () => {
  for (const [p, { name, relay, filter }] of profiles.entries()) {
    test(`srt-live-transmit sends to websrt through ${name}: whole, with packets rebuilt`, { timeout: 60_000 }, async () => {
      const { received, stats } = await sltToWebsrt(peer, `${filter}&${latency}`, (port) => impairRelay(port, 11 + p, relay));
      assertWhole(received, "websrt");
      assert.ok(stats.pktRcvFilterExtraTotal > count / 10, `FEC packets received: ${stats.pktRcvFilterExtraTotal}`);
      assert.ok(stats.pktRcvFilterSupplyTotal > 0, "no packet rebuilt from FEC");
    });

    test(`websrt sends to srt-live-transmit through ${name}: whole`, { timeout: 60_000 }, async () => {
      const { received, stats } = await websrtToSlt(peer, `${filter}&${latency}`, (port) => impairRelay(port, 21 + p, relay));
      assertWhole(received, `srt-live-transmit ${peer.version}`);
      assert.ok(stats.pktSndFilterExtraTotal > count / 10, "FEC packets sent");
    });
  }
});

describe("FEC from the Node API (WebAssembly core) with srt-live-transmit 1.5.5 through 5 % loss", () => {
  const relay = { loss: 5, delay: 10, jitter: 0 };

  test("a Node caller sends; every message arrives and FEC packets were sent", { timeout: 60_000 }, async () => {
    const sink = await numberedSink();
    try {
      const port = await reservedUdpPort();
      const receiver = startLibsrt(libsrt155, "srt-live-transmit",
        [`srt://:${port}?mode=listener&${filter}&${latency}`, `udp://127.0.0.1:${sink.port}`]);
      await udpPortBound(port, 5000, receiver);
      const target = await impairRelay(port, 41, relay);
      const socket = await SrtSocket.connect(`srt://127.0.0.1:${target}?${filter}&${latency}`);
      await sendPaced(socket, Buffer.concat([stream, tail]), rate, size);
      await until(() => sink.received.size >= count, 15_000, () => `${count} messages (${sink.received.size} arrived)`);
      assert.ok(socket.stats().pktSndFilterExtraTotal > count / 10, "FEC packets sent");
      await socket.close();
      receiver.kill("SIGINT");
      assertWhole(sink.received, "srt-live-transmit");
    } finally {
      sink.close();
    }
  });

  test("a Node listener receives; every message arrives, some rebuilt from FEC", { timeout: 60_000 }, async () => {
    const server = await SrtServer.listen(`srt://:0?mode=listener&${filter}&${latency}`);
    try {
      const target = await impairRelay(server.address().port, 42, relay);
      const sender = await startSltSender(libsrt155, `srt://127.0.0.1:${target}?${filter}&${latency}`, ["-a:no"]);
      const { value: connection } = await server.next();
      const received = new Map();
      const reading = (async () => {
        for await (const bytes of connection) {
          const m = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
          if (m.length === size && m.readUInt32BE(0) < count) received.set(m.readUInt32BE(0), m);
        }
      })();
      await stderrMatches(sender, /SRT target connected/, 10_000, "srt-live-transmit connecting");
      await feedSlt(sender, Buffer.concat([stream, tail]), rate, size);
      await until(() => received.size >= count, 15_000, () => `${count} messages (${received.size} arrived)`);
      assert.ok(connection.stats().pktRcvFilterSupplyTotal > 0, "no packet rebuilt from FEC");
      sender.kill("SIGINT");
      await connection.close();
      await reading;
      assertWhole(received, "Node listener");
    } finally {
      await server.close();
    }
  });
});

/**
 * A UDP relay in front of `targetPort` that loses the first `times` transmissions of the data
 * packets `offsets` after the first data packet it sees (the ISN), and nothing else.
 */
async function losePacketsRelay(targetPort, offsets, times) {
  const socket = createSocket("udp4");
  await new Promise((resolve) => socket.bind(0, "127.0.0.1", resolve));
  let client;
  let isn;
  const losses = new Map();  // sequence number → transmissions still to lose
  const relay = { port: socket.address().port, lost: 0, close: () => socket.close() };
  socket.on("message", (datagram, from) => {
    if (from.port === targetPort) {
      if (client) socket.send(datagram, client.port, client.address);
      return;
    }
    client = from;
    const isData = datagram.length > 16 && (datagram[0] & 0x80) === 0;
    if (isData && isn === undefined) {
      isn = datagram.readUInt32BE(0);
      for (const offset of offsets) losses.set((isn + offset) & 0x7fffffff, times);
    }
    // An FEC packet has message number 0 (libsrt fec.cpp); only the packets themselves are lost.
    const seq = isData ? datagram.readUInt32BE(0) : -1;
    if (isData && (datagram.readUInt32BE(4) & 0x03ffffff) !== 0 && losses.get(seq) > 0) {
      losses.set(seq, losses.get(seq) - 1);
      relay.lost += 1;
      return;
    }
    socket.send(datagram, targetPort, "127.0.0.1");
  });
  return relay;
}

describe("arq:onreq with lost retransmissions: libsrt asks once, websrt on either side recovers", () => {
  // Two packets of one FEC row, each lost with its first retransmission: the row cannot rebuild
  // them, the receiver NAKs them, and the retransmissions are lost too.
  const onreq = "packetfilter=fec,cols:10,arq:onreq";

  /** Runs `transfer` through a relay losing packets 505 and 508 and their first retransmissions. */
  async function throughLostRetransmissions(peer, transfer) {
    let relay;
    try {
      const result = await transfer(peer, `${onreq}&${latency}`, async (port) => {
        relay = await losePacketsRelay(port, [505, 508], 2);
        return relay.port;
      });
      assert.equal(relay.lost, 4, "the relay lost both packets twice");
      return result;
    } finally {
      relay?.close();
    }
  }

  for (const peer of libsrtPeers) test(`srt-live-transmit ${peer.version} sends to websrt, which asks again: whole`, { timeout: 60_000 }, async () => {
    const { received, stats } = await throughLostRetransmissions(peer, sltToWebsrt);
    assertWhole(received, "websrt");
    assert.ok(stats.pktSentNAKTotal >= 2, `NAKs sent: ${stats.pktSentNAKTotal}`);
  });

  for (const peer of libsrtPeers) test(`websrt sends to srt-live-transmit ${peer.version}, which asks once: whole`, { timeout: 60_000 }, async () => {
    const { received, stats } = await throughLostRetransmissions(peer, websrtToSlt);
    assertWhole(received, `srt-live-transmit ${peer.version}`);
    assert.ok(stats.pktRetransTotal >= 4, `retransmissions: ${stats.pktRetransTotal}`);
  });
});

describe("FEC alone (arq:never): websrt receives as much as libsrt 1.5.5 does", () => {
  const never = "packetfilter=fec,cols:10,rows:5,arq:never";
  const relay = { loss: 5, delay: 10, jitter: 0 };

  /** What `receiver` (started to write to the sink) delivers from srt-live-transmit 1.5.5. */
  async function delivered(startReceiver, seed) {
    const sink = await numberedSink();
    try {
      const { child, port } = await startReceiver(sink.port);
      const target = await impairRelay(port, seed, relay);
      const sender = await startSltSender(libsrt155, `srt://127.0.0.1:${target}?${never}&${latency}`, ["-a:no"]);
      await stderrMatches(sender, /SRT target connected/, 10_000, "srt-live-transmit connecting");
      await feedSlt(sender, Buffer.concat([stream, tail]), rate, size);
      await sleep(1000);  // the latency and the last FEC rows
      sender.kill("SIGINT");
      child.kill("SIGINT");
      await exitWithin(child, 10_000, "receiver");
      for (const [i, m] of sink.received) assert.ok(m.equals(message(i)), `message ${i} intact`);
      return sink.received.size;
    } finally {
      sink.close();
    }
  }

  test("the same relay and seeds, websrt then libsrt receiving", { timeout: 120_000 }, async () => {
    const seeds = [31, 32, 33];
    let websrt = 0;
    let libsrt = 0;
    for (const seed of seeds) {
      websrt += await delivered(async (sinkPort) => {
        const child = start(requireWebsrt(), ["transmit", `srt://:0?mode=listener&${never}&${latency}`, `udp://127.0.0.1:${sinkPort}`]);
        return { child, port: await listeningPort(child, "websrt listener") };
      }, seed);
      libsrt += await delivered(async (sinkPort) => {
        const port = await reservedUdpPort();
        const child = startLibsrt(libsrt155, "srt-live-transmit",
          [`srt://:${port}?mode=listener&${never}&${latency}`, `udp://127.0.0.1:${sinkPort}`]);
        await udpPortBound(port, 5000, child);
        return { child, port };
      }, seed);
    }
    const total = seeds.length * count;
    console.log(`arq:never through 5 % loss: websrt delivered ${(100 * websrt / total).toFixed(2)} %, ` +
      `libsrt 1.5.5 ${(100 * libsrt / total).toFixed(2)} % of ${total} messages`);
    assert.ok(websrt >= libsrt - total * 0.005, `websrt ${websrt} against libsrt ${libsrt} of ${total}`);
    assert.ok(websrt > total * 0.95, "FEC alone recovers most of 5 % loss");
  });
});
