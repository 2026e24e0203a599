// Types of `websrt/bridge` (Node only). The defaults and limits are the native `websrt bridge`'s.

/** What attach() uses of a node:http (or node:https) Server; structural, so no @types/node is needed. */
export interface UpgradeableServer {
  readonly listening: boolean;
  address(): unknown;
  on(event: "upgrade", listener: (request: any, socket: any, head: any) => void): unknown;
  once(event: "listening", listener: () => void): unknown;
}

export interface SrtBridgeOptions {
  /** HOST:PORT entries an SRT target may be; names are resolved once, to all their addresses. */
  allow: string[];
  /** Allowed Origin headers; by default none (non-browser clients) or a localhost page. */
  origins?: string[];
  /** NAME or NAME:PORT a Host header may name besides loopback addresses and localhost. */
  hosts?: string[];
  /** A directory served over HTTP by listen() (regular files inside it only). */
  staticDir?: string;
  /** Concurrent sessions (default 64). */
  maxSessions?: number;
  /** Concurrent sessions per client IPv4 address or IPv6 /64 (default 8; beyond: 429). */
  maxSessionsPerIp?: number;
  /** Connections per client still sending their request (default 32). */
  maxPendingPerIp?: number;
  /** WebSocket upgrades per second per client, as many in a burst (default 10). */
  upgradesPerIp?: number;
  /** Mbit/s per session and direction, each datagram charged its IP and UDP headers (default 100). */
  maxRateMbit?: number;
  /** Datagrams per second per session and direction (default 40000). */
  maxPps?: number;
  /** Seconds without traffic before a session closes (default 30). */
  idleTimeoutSeconds?: number;
  /** Where log lines go (default: stderr, prefixed "websrt bridge: "). */
  log?: (line: string) => void;
  /** Log only warnings and errors, no session lines. */
  quiet?: boolean;
}

export declare class SrtBridge implements AsyncDisposable {
  /** Rejects with an Error naming the bad setting. */
  static create(options: SrtBridgeOptions): Promise<SrtBridge>;
  /** Runs on its own HTTP server (port 0: any free port); resolves with where it listens. */
  listen(options?: { host?: string; port?: number }): Promise<{ address: string; port: number }>;
  /**
   * Takes the WebSocket upgrades of an application's server: /srt becomes sessions, any other
   * upgrade is refused (404) unless otherUpgrades is "leave". Plain requests stay the application's.
   */
  attach(server: UpgradeableServer, options?: { otherUpgrades?: "refuse" | "leave" }): this;
  /** Sessions open now. */
  readonly sessions: number;
  /** Ends every session and closes the server listen() started. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export declare function createBridge(options: SrtBridgeOptions): Promise<SrtBridge>;
