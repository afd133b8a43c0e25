import { main } from "../cli/main.js";

/** Runs the CLI in-process with captured streams (no TTY), as the command tests do. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "modelvet", ...args], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    isTTY: { stdout: false, stderr: false },
  });
  return { code, stdout, stderr };
}
