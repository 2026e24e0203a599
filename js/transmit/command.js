// `websrt transmit` for Node, as a function: it returns the exit status instead of exiting, so
// that it runs in-process (tests/js/transmit_command.test.js). Statuses as the native command:
// 0 when the input ended and everything sent was acknowledged, the SRT peer closed cleanly, or
// the transfer was interrupted; 1 with a one-line reason on a rejection, a timeout, a lost peer
// or an I/O error (a file that cannot be read or written); 2 for a bad command line or URI.
import { UsageError } from "../usage_error.js";
import { parseTransmitArguments, parseTransmitUri, prefix, transmitHelp } from "./arguments.js";
import { Transmitter } from "./transmitter.js";

/** Validates the command line and URIs (status 2 on a problem) and runs the transfer. `io` as
 * Transmitter's (stdin, stdout, stderr, signal). */
export async function runTransmitCommand(args, io = {}) {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  let options;
  let input;
  let output;
  try {
    options = parseTransmitArguments(args);
    if (options.help) {
      stdout.write(transmitHelp);
      return 0;
    }
    input = await parseTransmitUri(options.input, "input");
    output = await parseTransmitUri(options.output, "output");
    if ((input.kind === "srt") === (output.kind === "srt"))
      throw new UsageError("exactly one side must be srt:// (the other udp://, file://con or file:///path)");
    if (options.statsFormat !== "json" && options.statsFormat !== "text")
      throw new UsageError("--stats-format must be json or text");
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr.write(`${prefix}${error.message}\n`);
    return 2;
  }
  const srtIsInput = input.kind === "srt";
  return new Transmitter(options, srtIsInput ? input : output, srtIsInput, srtIsInput ? output : input, io).run();
}
