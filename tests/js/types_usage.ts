// Type-checked by types.test.js (tsc --noEmit, never run): how a TypeScript user calls the
// package, through the "types" condition of package.json's exports map.
import { loadCore, type BytesResult, type PacketKind, type WebsrtCore } from "websrt";

const core: WebsrtCore = await loadCore();

const reencoded: BytesResult = core.wireReencode(new Uint8Array(16));
if (reencoded.ok) {
  const bytes: Uint8Array = reencoded.bytes;
  void bytes;
} else {
  const message: string = reencoded.error;
  void message;
}

const described = core.wireDescribe(new Uint8Array(16));
if (described.ok) {
  const kind: PacketKind = described.kind;
  void kind;
}

const key = core.pbkdf2HmacSha1("passphrase", new Uint8Array(8), 2048, 16);
if (key.ok) core.aesCtr(key.bytes, new Uint8Array(16), new Uint8Array(0));
const clear = core.srtDecrypt("websrt-golden-secret", new Uint8Array(64), new Uint8Array(32));
if (clear.ok) console.log(clear.bytes.length);

// The result is a discriminated union: the value is unreachable before `ok` is tested.
// @ts-expect-error bytes exists only on a successful result
void core.aesCtr(new Uint8Array(16), new Uint8Array(16), new Uint8Array(0)).bytes;
// @ts-expect-error the passphrase is a string, not bytes
void core.pbkdf2HmacSha1(new Uint8Array(4), new Uint8Array(8), 2048, 16);

import { SrtError, SrtServer, SrtSocket, type SrtStats } from "websrt";

async function socketUsage(): Promise<void> {
  const server = await SrtServer.listen("srt://:9000", { accept: ({ streamId }) => streamId === "cam1" });
  const checked = await SrtServer.listen("srt://:9001", { accept: async ({ peer }) => (peer.startsWith("10.") ? true : 2403) });
  void (checked.counters.deferred + checked.counters.refusedUndecided);
  const socket = await SrtSocket.connect("srt://127.0.0.1:9000?streamid=cam1");
  await socket.send(new Uint8Array(1316));
  for await (const conn of server) {
    for await (const message of conn) void message.byteLength;
  }
  const stats: SrtStats | undefined = socket.stats(true);
  if (stats) void stats.pktRetransTotal;
  try {
    await socket.close({ lingerMs: 100 });
  } catch (error) {
    if (error instanceof SrtError && error.code === "ERR_SRT_REJECTED") void error.rejectCode;
  }
  // @ts-expect-error messages are bytes, not strings
  await socket.send("text");
}
void socketUsage;

import { parseSrtUri, type SrtMode, type SrtUri } from "websrt";

async function modernUsage(): Promise<void> {
  const uri: SrtUri = await parseSrtUri("srt://:0");
  const mode: SrtMode = uri.mode;
  // @ts-expect-error the mode is a union of the three SRT modes
  const wrong: typeof mode = "client";
  void wrong;
  const controller = new AbortController();
  await using server = await SrtServer.listen("srt://:0", { signal: controller.signal });
  await using socket = await SrtSocket.connect(`srt://127.0.0.1:${server.address().port}`, { signal: AbortSignal.timeout(1000) });
  const message: Uint8Array | undefined = await socket.read({ signal: controller.signal });
  void message;
  const accepted: SrtSocket | undefined = await server.accept();
  const ended: SrtError | undefined = await socket.closed;
  void accepted, ended, socket.bufferedMessages;
  // @ts-expect-error sockets come from connect() or a server, never from new
  void new SrtSocket();
}
void modernUsage;

import {
  accessControlStreamId, mediamtxStreamId, parseStreamId, srsRequest, srsStreamId,
  type ParsedStreamId, type StreamIdMode,
} from "websrt";

// A parsed stream id is a union on `format`: each form's fields exist only once narrowed.
function describeStreamId(parsed: ParsedStreamId): string {
  switch (parsed.format) {
    case "access-control": {
      const mode: StreamIdMode = parsed.mode ?? "request";
      const custom: string | undefined = parsed.fields["user_token"];
      return `${mode} ${parsed.resource ?? ""} ${custom ?? ""} ${parsed.entries.length}`;
    }
    case "mediamtx":
      return `${parsed.action} ${parsed.path} ${parsed.user ?? ""}`;
    case "plain":
      return parsed.text;
    case "invalid": {
      const rejectCode: number = parsed.rejectCode;
      return `${parsed.error} ${rejectCode}`;
    }
  }
}
void describeStreamId(parseStreamId("#!::r=live/x,m=publish"));
const srs = srsRequest("#!::r=live/livestream,m=publish", { defaultApp: "live" });
if (srs) void `${srs.app}/${srs.stream} ${srs.mode} ${srs.vhost ?? ""}`;
void accessControlStreamId({ user: "johnny", type: "file", mode: "publish", resource: "results.csv", user_token: "abc" });
void mediamtxStreamId({ action: "publish", path: "mystream", user: "myuser", password: "mypass" });
void srsStreamId({ app: "live", stream: "livestream", mode: "publish", params: { secret: "xxx" } });
// @ts-expect-error path exists only on MediaMTX ids
void parseStreamId("read:x").path;
// @ts-expect-error m takes only libsrt's three modes
void accessControlStreamId({ mode: "push" });
// @ts-expect-error MediaMTX's actions are publish and read
void mediamtxStreamId({ action: "play", path: "x" });

// websrt/bridge in Node: on its own, or attached to an application's server.
import { SrtBridge, createBridge, type SrtBridgeOptions, type UpgradeableServer } from "websrt/bridge";

export async function bridgeUsage(): Promise<number> {
  const options: SrtBridgeOptions = { allow: ["127.0.0.1:9000"], maxSessions: 4, log: (line: string) => void line };
  const bridge: SrtBridge = await createBridge(options);
  const { port } = await bridge.listen({ host: "127.0.0.1", port: 0 });
  await bridge.close();
  const app: UpgradeableServer = { listening: true, address: () => ({ address: "127.0.0.1", port }), on: () => app, once: () => app };
  await using attached = (await SrtBridge.create({ allow: ["127.0.0.1:9000"] })).attach(app, { otherUpgrades: "leave" });
  return port + attached.sessions;
}

// websrt/publish in a page: the camera over SRT, stopped by an AbortSignal or stop().
import { publishMediaStream, type Publication, type PublishStats } from "websrt/publish";

export async function publishUsage(socket: SrtSocket, stream: MediaStream, signal: AbortSignal): Promise<number> {
  const publication: Publication = await publishMediaStream(socket, stream, { videoBitrate: 1_500_000, signal });
  const stats: PublishStats = publication.stats();
  await publication.stop();
  return stats.mbpsSent + stats.rttMs + stats.retransmitted + stats.videoFrames;
}

// SRT in a worker: the same socket API through a proxy; stats() is a promise there.
import { SrtWorker, type WorkerSrtServer, type WorkerSrtSocket } from "websrt/worker";

export async function workerUsage(): Promise<number> {
  const worker: SrtWorker = await SrtWorker.start();
  const socket: WorkerSrtSocket = await worker.connect("srt://127.0.0.1:9000", { bridge: "ws://127.0.0.1:8080/srt" });
  await socket.send(new Uint8Array(1316), { ttl: 100 });
  const stats = await socket.stats();
  for await (const message of socket) void message.length;
  const { unacknowledged } = await socket.close();
  const server: WorkerSrtServer = await worker.listen("srt://:9000", {
    accept: async ({ parsedStreamId }) => parsedStreamId.format === "plain" || 1403,
    onRefused: ({ rejectCode }) => void rejectCode,
  });
  for await (const connection of server) void connection.streamId;
  const counters = await server.counters();
  // @ts-expect-error a worker server's counters are a promise, not a property
  void server.counters.deferred;
  await server.close();
  await worker.terminate();
  return unacknowledged + (stats?.pktSentTotal ?? 0) + (counters?.deferred ?? 0);
}
