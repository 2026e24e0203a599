// `websrt bridge` in Node (`npx websrt bridge …`): the native command's options, log lines and
// exit statuses (native-shim/bridge_command.cpp) over SrtBridge. 0 after SIGINT/SIGTERM, 1 when
// it cannot listen, 2 for a bad command line or setting.
import { SrtBridge } from "./bridge.js";
import { UsageError } from "../usage_error.js";

export const bridgeHelp = `Relay SRT datagrams between WebSockets (browsers) and UDP
Usage: websrt bridge [OPTIONS]

Options:
  -h,--help                   Print this help message and exit
  --listen TEXT               ADDRESS:PORT for HTTP and WebSockets (default 127.0.0.1:8080)
  --allow TEXT ...            HOST:PORT an SRT target may be (repeat or comma-separate)
  --origin TEXT ...           allowed Origin (repeat; default: none or localhost)
  --static TEXT               directory served over HTTP (the demo page)
  --host TEXT ...             NAME or NAME:PORT a Host header may name besides 127.x.y.z, [::1] and localhost (repeat);
                              on a non-loopback --listen, without --host any Host is served
  --max-sessions INT          concurrent WebSocket sessions (default 64)
  --max-sessions-per-ip INT   concurrent sessions per client IPv4 address or IPv6 /64 (default 8; beyond: 429)
  --max-pending-per-ip INT    connections per client still sending their request (default 32)
  --upgrades-per-ip FLOAT     WebSocket upgrades per second per client, as many in a burst (default 10)
  --max-rate FLOAT            Mbit/s per session and direction, each datagram charged its IP+UDP headers too (default 100)
  --max-pps FLOAT             datagrams per second per session and direction (default 40000)
  --idle-timeout INT          seconds without traffic before a session closes (default 30)
  -q,--quiet                  log errors only
`;

const lists = new Map([["--allow", "allow"], ["--origin", "origins"], ["--host", "hosts"]]);
const values = new Map([["--listen", "listen"], ["--static", "staticDir"]]);
const integers = new Map([["--max-sessions", "maxSessions"], ["--max-sessions-per-ip", "maxSessionsPerIp"],
  ["--max-pending-per-ip", "maxPendingPerIp"], ["--idle-timeout", "idleTimeoutSeconds"]]);
const numbers = new Map([["--upgrades-per-ip", "upgradesPerIp"], ["--max-rate", "maxRateMbit"], ["--max-pps", "maxPps"]]);

/** The command line as the native CLI11 definition reads it; throws UsageError. */
export function parseBridgeArguments(args) {
  const options = { listen: "127.0.0.1:8080", allow: [], origins: [], hosts: [], quiet: false, help: false };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === "-q" || arg === "--quiet") {
      options.quiet = true;
      continue;
    }
    if (arg === "-h" || arg === "--help") {
      options.help = true;
      continue;
    }
    const equals = arg.indexOf("=");
    const name = arg.startsWith("--") && equals > 0 ? arg.slice(0, equals) : arg;
    if (![lists, values, integers, numbers].some((m) => m.has(name))) {
      throw new UsageError(arg.startsWith("-") ? `unknown option '${name}'` : `unexpected argument '${arg}'`);
    }
    let value;
    if (name !== arg) value = arg.slice(equals + 1);
    else if (i + 1 < args.length) value = args[(i += 1)];
    else throw new UsageError(`${name} needs a value`);
    if (lists.has(name)) options[lists.get(name)].push(...value.split(",").filter((part) => part !== ""));
    else if (values.has(name)) options[values.get(name)] = value;
    else {
      const number = Number(value);
      const integer = integers.has(name);
      if (value.trim() === "" || !Number.isFinite(number) || (integer && !Number.isInteger(number)))
        throw new UsageError(`${name}: value '${value}' is not ${integer ? "an integer" : "a number"}`);
      options[(integer ? integers : numbers).get(name)] = number;
    }
  }
  return options;
}

/** "ADDRESS:PORT", "[V6]:PORT" or ":PORT" (every address) → {host, port}; throws UsageError. */
function parseListen(text) {
  const match = /^(.*):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port > 65535) throw new UsageError(`--listen expects ADDRESS:PORT, got '${text}'`);
  let host = match[1];
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return { host: host === "" ? "0.0.0.0" : host, port };
}

const log = (line) => process.stderr.write(`websrt bridge: ${line}\n`);

/** Runs `websrt bridge` until SIGINT/SIGTERM; resolves with the exit status. */
export async function runBridgeCommand(args) {
  let options;
  let listen;
  try {
    options = parseBridgeArguments(args);
    if (options.help) {
      process.stdout.write(bridgeHelp);
      return 0;
    }
    listen = parseListen(options.listen);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    log(error.message);
    return 2;
  }
  let bridge;
  try {
    bridge = await SrtBridge.create({ ...options, log });
  } catch (error) {
    log(error.message);
    return 2;
  }
  let address;
  try {
    address = await bridge.listen(listen);
  } catch (error) {
    log(`cannot listen on ${options.listen}: ${error.message}`);
    await bridge.close();
    return 1;
  }
  const shown = address.address.includes(":") ? `[${address.address}]` : address.address;
  log(`listening on ws://${shown}:${address.port}/srt${options.staticDir ? `, serving ${options.staticDir}` : ""}`);
  await new Promise((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await bridge.close();
  return 0;
}
