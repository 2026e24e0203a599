// Issue 12 case 9: two callers whose conclusions reach a `websrt transmit` listener microseconds
// apart (same receive batch). The listener serves one stream: exactly one caller is accepted, the
// other gets a rejection handshake (request type ≥ 1000), and stdout holds the first caller's
// bytes only.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { holdsWithin, killAll, payloadOf, report, sha256, startListener } from "./harness.js";
import { HostilePeer, REQ, isRejection } from "./hostile_peer.js";

after(killAll);

const rounds = 3;  // the race needs both conclusions in one receive batch; three chances per run

test("two conclusions 50 µs apart: exactly one caller accepted, the other rejected, stdout is the first caller's bytes",
  { timeout: 30_000 }, async () => {
    const outcomes = [];
    for (let round = 0; round < rounds; round++) {
      const { child, port } = await startListener({ query: "latency=200" });
      const chunks = [];
      let stdoutBytes = 0;
      child.stdout.on("data", (c) => { chunks.push(c); stdoutBytes += c.length; });
      const first = await new HostilePeer({ port }).open();
      const second = await new HostilePeer({ port }).open();
      const noise = await new HostilePeer({ port }).open();
      const [cookieFirst, cookieSecond] = await Promise.all([first.induce(), second.induce()]);
      const answer = (peer) => peer.waitFor((p) => p.handshake && p.destId === peer.socketId &&
        (p.handshake.requestType === REQ.CONCLUSION || isRejection(p.handshake)), 3000, "conclusion response").catch(() => null);
      const answers = [answer(first), answer(second)];
      const conclusionFirst = first.conclusionPacket({ cookie: cookieFirst, latencyMs: 200 });
      const conclusionSecond = second.conclusionPacket({ cookie: cookieSecond, latencyMs: 200 });
      // Back to back from one event-loop turn: loopback delivers them tens of µs apart. A burst of
      // 300 inductions from a third socket just before makes the listener read both conclusions
      // in one receive batch, as a busy listener would, instead of one wake-up each.
      for (let k = 0; k < 300; k++) noise.send(noise.inductionPacket());
      first.send(conclusionFirst);
      second.send(conclusionSecond);
      const resend = setInterval(() => { first.send(conclusionFirst); second.send(conclusionSecond); }, 250);
      const [a, b] = await Promise.all(answers);
      clearInterval(resend);
      const verdict = (p) => (!p ? "silence" : isRejection(p.handshake) ? `rejected ${p.handshake.requestType}` : "accepted");
      // Whoever believes it is connected streams its own bytes.
      const payloads = [payloadOf(1316 * 150), payloadOf(1316 * 150)];
      const streams = [];
      for (const [peer, reply, payload] of [[first, a, payloads[0]], [second, b, payloads[1]]]) {
        if (reply && !isRejection(reply.handshake)) {
          peer.peerId = reply.handshake.socketId;
          streams.push(peer.stream(payload, { bytesPerSecond: 1_000_000 }));
        }
      }
      await Promise.all(streams);
      // Played out (latency 200 ms): a stream's worth of bytes on stdout, whichever caller's.
      if (streams.length) await holdsWithin(() => stdoutBytes >= payloads[0].length || child.exitCode !== null, 5000);
      const output = Buffer.concat(chunks);
      outcomes.push({ first: verdict(a), second: verdict(b), stdoutBytes: output.length,
        stdoutIsFirst: sha256(output) === sha256(payloads[0]), stdoutHasSecond: output.includes(payloads[1].subarray(0, 1316)) });
      first.close();
      second.close();
      noise.close();
      child.kill("SIGKILL");
    }
    report("simultaneous callers", outcomes);
    for (const [i, o] of outcomes.entries()) {
      assert.equal(o.first, "accepted", `round ${i}: the first caller was ${o.first}`);
      assert.match(o.second, /^rejected \d+$/, `round ${i}: the second caller was ${o.second}`);
      assert.ok(Number(o.second.split(" ")[1]) >= REQ.REJECTION_BASE);
      assert.ok(o.stdoutIsFirst, `round ${i}: stdout (${o.stdoutBytes} B) is not exactly the first caller's bytes` +
        (o.stdoutHasSecond ? " (it holds the second caller's)" : ""));
    }
  });
