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
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: { stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
    env: process.env,
    columns: process.stderr.columns,
  };
}
