import type { CliIo } from "../cli/io.js";
import { main } from "../cli/main.js";

/**
 * Runs the CLI in-process with captured streams (no TTY), as the command tests do; `io` replaces
 * any of the rest (environment, standard input, raw argv bytes).
 */
export async function runCli(args: string[], io: Partial<CliIo> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "modelvet", ...args], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    isTTY: { stdout: false, stderr: false },
    ...io,
  });
  return { code, stdout, stderr };
}
