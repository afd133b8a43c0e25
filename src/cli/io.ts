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
}

export function processIo(): CliIo {
  return {
    stdout: quietWhenClosed(process.stdout),
    stderr: quietWhenClosed(process.stderr),
    isTTY: { stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
    env: process.env,
    columns: process.stderr.columns,
  };
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
