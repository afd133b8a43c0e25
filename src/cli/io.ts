import { readFileSync } from "node:fs";

/** Where the CLI writes and what it knows about the terminal; injected so tests run in-process. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Which streams are terminals: colour needs stdout to be one, the progress line needs stderr. */
  isTTY: { stdout: boolean; stderr: boolean };
  /** Environment consulted for NO_COLOR; none when absent. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Terminal width, to keep the progress line on one row. */
  columns?: number;
  /**
   * The command line as bytes, where the OS shows it (Linux: /proc/self/cmdline). Node decodes
   * argv as UTF-8 and puts U+FFFD for any other byte, which names no file; these give a path back
   * its bytes.
   */
  rawArgv?: readonly Uint8Array[];
  /** Standard input, for `scan -`; read only when asked for. */
  stdin?: AsyncIterable<Uint8Array>;
  /**
   * Ends the process soon after the command returns, even if something still holds its event loop:
   * for a service that closed while work it could not wait for was in flight (a worker's download,
   * when Redis went away during its close). Absent where the CLI runs in-process (tests).
   */
  exitWhenDone?(): void;
}

/**
 * How long a process told exitWhenDone() may still run after its command returned: its last log
 * lines are written by then (stderr to a pipe or a file is synchronous on Linux).
 */
const EXIT_WHEN_DONE_MILLIS = 1_000;

export function processIo(): CliIo {
  return {
    stdout: quietWhenClosed(process.stdout),
    stderr: quietWhenClosed(process.stderr),
    isTTY: { stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
    env: process.env,
    columns: process.stderr.columns,
    rawArgv: rawCommandLine(),
    stdin: process.stdin,
    exitWhenDone() {
      // Unref'd: a process with nothing left to run ends by itself, sooner.
      setTimeout(() => process.exit(), EXIT_WHEN_DONE_MILLIS).unref();
    },
  };
}

function rawCommandLine(): Uint8Array[] | undefined {
  try {
    const bytes = readFileSync("/proc/self/cmdline");
    const args: Uint8Array[] = [];
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) {
        args.push(bytes.subarray(start, i));
        start = i + 1;
      }
    }
    return args;
  } catch {
    return undefined; // not Linux, or no /proc: paths are as Node decoded them
  }
}

const lossy = new TextDecoder("utf-8");

/**
 * The bytes of a path argument that Node could not decode (it holds U+FFFD): the one raw argument
 * that decodes to the same text. Anything else, or more than one candidate, keeps the text.
 *
 * @example
 * argumentBytes("m\ufffd.pt", [Buffer.from([0x6d, 0xff, 0x2e, 0x70, 0x74])]); // those 5 bytes
 */
export function argumentBytes(arg: string, rawArgv: readonly Uint8Array[] | undefined): string | Uint8Array {
  if (!arg.includes("\ufffd") || rawArgv === undefined) return arg;
  const matches = rawArgv.filter((raw) => lossy.decode(raw) === arg);
  const first = matches[0];
  return first !== undefined && matches.every((m) => Buffer.compare(m, first) === 0) ? first : arg;
}

/** What a write to a reader that has gone away fails with. */
const CLOSED_READER = new Set(["EPIPE", "ERR_STREAM_DESTROYED"]);

/**
 * A stream whose reader may leave early (`modelvet scan … | head -1`): the next write then fails
 * with EPIPE, emitted as an 'error' event that Node would turn into a crash with a stack trace.
 * Writing stops quietly instead, as for any Unix filter whose output is no longer wanted; the
 * exit code still carries the scan's result. Other write errors still surface.
 */
export function quietWhenClosed(stream: NodeJS.WritableStream): CliIo["stdout"] {
  let closed = false;
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== undefined && CLOSED_READER.has(error.code)) {
      closed = true;
      return;
    }
    throw error;
  });
  return { write: (text: string) => (closed ? false : stream.write(text)) };
}
