// What `websrt transmit` reports is true (issue 12): a receiver that keeps the connection alive
// but never acknowledges anything makes the sender drop its packets as too late; at the end of
// input the sender must say so, not "everything sent was acknowledged".
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, test } from "node:test";
import { exitWithin, killAll, report, startListener } from "./harness.js";
import { HostilePeer, keepalivePacket } from "./hostile_peer.js";

after(killAll);

test("a sender whose packets were never acknowledged reports them as dropped, not as acknowledged", { timeout: 30_000 }, async () => {
  const { child } = await startListener({ sender: true, query: "latency=120" }).then(async (listener) => {
    const peer = await new HostilePeer({ port: listener.port }).open();
    const connection = await peer.connect({ latencyMs: 120 });
    assert.ok(connection.accepted, "the receiver was refused");
    // Alive (keepalives) but silent about data: no ACK ever.
    const keepalive = setInterval(() => peer.send(keepalivePacket({ timestamp: peer.now(), destId: peer.peerId })), 200);
    listener.child.once("exit", () => clearInterval(keepalive));
    return listener;
  });
  child.stdin.end(randomBytes(1316 * 100));
  const status = await exitWithin(child, 15_000, "websrt transmit sender");
  const lastLine = child.stderrText.trim().split("\n").at(-1);
  report("unacknowledged sender", { code: status.code, lastLine });
  assert.doesNotMatch(child.stderrText, /everything sent was acknowledged/);
  assert.match(lastLine, /end of input, 100 packets dropped as too late \(never acknowledged\)/);
});
