#!/usr/bin/env node
// The `websrt` command for Node: `websrt transmit` (js/transmit/), the twin of the native command
// (native-shim/transmit_command.cpp), and `websrt bridge` (js/bridge/command.js). Each command
// returns its exit status; this file only picks the command and exits with it.
const prefix = "websrt: ";

const topHelp = `websrt: SRT (Secure Reliable Transport) tools
Usage: websrt SUBCOMMAND

Subcommands:
  transmit                    Move a live stream between SRT and UDP, stdin/stdout or a file, like srt-live-transmit
  bridge                      Relay SRT datagrams between WebSockets (browsers) and UDP
`;

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === "transmit") return (await import("./transmit/command.js")).runTransmitCommand(rest);
  if (command === "bridge") return (await import("./bridge/command.js")).runBridgeCommand(rest);
  if (command === "-h" || command === "--help") {
    process.stdout.write(topHelp);
    return 0;
  }
  process.stderr.write(command === undefined ? `websrt: a subcommand is required\n${topHelp}` : `websrt: unknown subcommand '${command}'\n${topHelp}`);
  return 2;
}

/** Waits until what was written to a stream has left the process. */
function flushed(stream) {
  if (!stream.writableLength) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once("drain", resolve);
    stream.once("close", resolve);
    stream.once("error", resolve);
  });
}

process.stdout.on("error", () => {});  // a reader that went away: nothing more to say there
let status;
try {
  status = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${prefix}${error?.message ?? String(error)}\n`);
  status = 1;
}
process.exitCode = status;
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
// Everything is closed; a connection attempt still under way (interrupted while connecting) must
// not hold the process.
setTimeout(() => process.exit(status), 200).unref();
