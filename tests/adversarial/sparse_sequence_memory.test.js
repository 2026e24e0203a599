// Issue 12 case 10: a caller that sends one data packet every 16 sequence numbers, so that every
// packet lands in a different 16-slot block of the receive buffer. The listener's memory must grow
// by about a packet per packet held, not by a block per packet.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, test } from "node:test";
import { holdsWithin, killAll, latestStats, memoryMb, nextStats, report, round, sleep, startListener } from "./harness.js";
import { HostilePeer, encodeData, seqAdd } from "./hostile_peer.js";

after(killAll);

const stride = 16;          // SlotBlocks::block_slots today; any stride ≥ a block defeats per-block storage
const packets = 4000;       // 64 000 sequence numbers: inside a 100 MB (68 870-packet) receive buffer
const payloadSize = 1456;   // the largest live payload
const latencyMs = 4000;     // every packet is still held when memory is read

/** VmData (heap and anonymous mappings, touched or not) in MB. */
const vmDataMb = (pid) => Number(/^VmData:\s+(\d+) kB/m.exec(readStatus(pid))[1]) / 1024;
const readStatus = (pid) => readFileSync(`/proc/${pid}/status`, "utf8");

test("a packet every 16 sequence numbers costs the receiver about a packet's memory each, not a block's", { timeout: 30_000 }, async () => {
  const { child, port } = await startListener({ query: `latency=${latencyMs}&rcvbuf=100000000`,
    extraArgs: ["--stats-every", "200", "--stats-format", "json"] });
  const output = [];
  child.stdout.on("data", (c) => output.push(c));
  const peer = await new HostilePeer({ port }).open();
  const connection = await peer.connect({ latencyMs });
  assert.ok(connection.accepted);
  // The baseline once the listener has set the connection up: its first stats line for it.
  assert.ok(await nextStats(child, 2000), `no stats line after the connection: ${child.stderrText}`);
  const before = { ...memoryMb(child.pid), data: vmDataMb(child.pid) };
  const payloads = [];
  for (let k = 0; k < packets; k++) {
    const payload = randomBytes(payloadSize);
    payloads.push(payload);
    peer.send(encodeData({ seq: seqAdd(peer.isn, k * stride), msgno: k + 1, timestamp: peer.now(), destId: peer.peerId, payload }));
    if (k % 20 === 19) await sleep(1);  // pacing: ~20 packets per ms, no drops in the kernel's socket buffer
  }
  // Received and held (their delivery time is 4 s away): a stats line counts them all. Within 2 s,
  // long before the first is played; a count short of them is reported with the figures.
  await holdsWithin(() => (latestStats(child).pktRecvTotal ?? 0) >= packets || child.exitCode !== null, 2000);
  const after_ = { ...memoryMb(child.pid), data: vmDataMb(child.pid) };
  const { pktRcvBuf: held, pktRecvTotal: received } = latestStats(child);
  const rssGrowthMb = after_.rss - before.rss;
  const perPacketKb = (rssGrowthMb * 1024) / packets;
  const figures = { packets, received, pktRcvBuf: held, rssBeforeMb: round(before.rss), rssAfterMb: round(after_.rss),
    rssGrowthMb: round(rssGrowthMb), rssKbPerPacket: round(perPacketKb, 2), vmDataGrowthMb: round(after_.data - before.data),
    vmDataKbPerPacket: round(((after_.data - before.data) * 1024) / packets, 2) };
  report("sparse sequence", figures);
  peer.close();
  // A packet's payload and metadata are ~1.5 KB; storage by the packet (or in pages shared by
  // neighbours) stays near that. A 16-slot block per packet (23 KB of address space, of which at
  // least the first payload page and the metadata are touched) costs ≥ 8 KB of RSS each. 3 KB per
  // packet separates the two with room for allocator overhead.
  assert.ok(perPacketKb <= 3, `receiver RSS grew ${round(perPacketKb, 2)} KB per sparse packet (bound 3 KB; ${round(rssGrowthMb)} MB for ${packets})`);
  assert.ok(child.exitCode === null, "listener exited");
});
