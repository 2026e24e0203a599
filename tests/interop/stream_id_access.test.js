// Stream ids as SRT servers read them, from real callers: srt-live-transmit (libsrt 1.5.1) and
// ffmpeg send libsrt's access-control ids and MediaMTX's form, and a Node listener's accept()
// gets them parsed (parsedStreamId) and admits or refuses on the fields.
import { after, test } from "node:test";
import assert from "node:assert/strict";

import { SrtServer, accessControlStreamId, mediamtxStreamId } from "websrt";
import { exitWithin, killAll, start, stderrMatches } from "./peers.js";

after(killAll);

// srt-live-transmit 1.5.1 passes the query's streamid on undecoded, so the ids go in as they
// are (their characters are all legal in a URI query).

/** A listener that admits publishers of live/* and records what accept() saw. */
async function accessControlledListener() {
  const seen = [];
  const server = await SrtServer.listen("srt://:0", {
    accept: ({ parsedStreamId: id }) => {
      seen.push(id);
      if (id.format === "invalid") return id.rejectCode;
      if (id.format === "access-control") return id.mode === "publish" && id.resource?.startsWith("live/") === true;
      if (id.format === "mediamtx") return id.action === "publish";
      return false;
    },
  });
  return { port: server.address().port, server, seen };
}

test("srt-live-transmit's access-control stream id reaches accept() parsed, and the fields decide", { timeout: 30_000 }, async () => {
  const { port, server, seen } = await accessControlledListener();
  try {
    const admitted = accessControlStreamId({ user: "cam1", resource: "live/cam1", mode: "publish" });
    const caller = start("srt-live-transmit", ["-a:no", "file://con", `srt://127.0.0.1:${port}?streamid=${admitted}`]);
    await stderrMatches(caller, /SRT target connected/, 10_000, "an admitted srt-live-transmit");
    const socket = await server.accept();
    assert.equal(socket.streamId, "#!::u=cam1,r=live/cam1,m=publish");
    assert.deepEqual([seen[0].format, seen[0].user, seen[0].resource, seen[0].mode], ["access-control", "cam1", "live/cam1", "publish"]);
    caller.kill("SIGINT");

    const refused = start("srt-live-transmit", ["-a:no", "file://con", `srt://127.0.0.1:${port}?streamid=#!::r=live/cam1,m=request`]);
    await exitWithin(refused, 10_000, "a refused srt-live-transmit");
    assert.equal(seen[1].mode, "request");
    // Malformed: refused with the code parseStreamId names (1400 bad request).
    const malformed = start("srt-live-transmit", ["-a:no", "file://con", `srt://127.0.0.1:${port}?streamid=#!::r=live/a,r=live/b`]);
    await exitWithin(malformed, 10_000, "a malformed srt-live-transmit");
    assert.deepEqual([seen[2].format, seen[2].rejectCode], ["invalid", 1400]);
  } finally {
    await server.close();
  }
});

test("ffmpeg publishing with MediaMTX's publish:path:user:pass id is admitted with the parts parsed", { timeout: 30_000 }, async () => {
  const { port, server, seen } = await accessControlledListener();
  try {
    const id = mediamtxStreamId({ action: "publish", path: "studio", user: "anna", password: "s3cret" });
    const ffmpeg = start("ffmpeg", ["-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
      "-t", "20", "-c:v", "mpeg2video", "-f", "mpegts", `srt://127.0.0.1:${port}?streamid=${id}`]);
    const socket = await server.accept();
    assert.ok((await socket.read()).length > 0, "ffmpeg's MPEG-TS arrives");
    assert.deepEqual([seen[0].format, seen[0].action, seen[0].path, seen[0].user, seen[0].password], ["mediamtx", "publish", "studio", "anna", "s3cret"]);
    ffmpeg.kill("SIGINT");
  } finally {
    await server.close();
  }
});
