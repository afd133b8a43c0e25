import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "./exit-codes.js";

/**
 * Bytes `scan -` reads from standard input before refusing (CWE-400): it is buffered in memory,
 * then written to a private temp file so the scanner reads it like any file. Bigger models are
 * files already; scan them by path.
 */
export const MAX_STDIN_BYTES = 512 * 1024 * 1024;

/** What `scan -` scans: a temp file holding standard input, removed by `dispose`. */
export interface StdinFile {
  path: string;
  dispose(): Promise<void>;
}

/**
 * @example
 * const file = await stdinToTempFile(process.stdin);
 * try { await scanPaths([file.path], options); } finally { await file.dispose(); }
 * @throws UsageError when standard input is over MAX_STDIN_BYTES or absent.
 */
export async function stdinToTempFile(stdin: AsyncIterable<Uint8Array> | undefined, limit = MAX_STDIN_BYTES): Promise<StdinFile> {
  if (stdin === undefined) throw new UsageError("'-' reads standard input, and there is none here");
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    total += chunk.length;
    if (total > limit) throw new UsageError(`standard input is over ${limit} bytes (limit MAX_STDIN_BYTES); scan the file by path instead`);
    chunks.push(chunk);
  }
  // mkdtemp makes a folder only we can use (0700): no other user can swap the file under us.
  const dir = await mkdtemp(join(tmpdir(), "modelvet-stdin-"));
  const path = join(dir, "stdin");
  await writeFile(path, Buffer.concat(chunks), { mode: 0o600 });
  return { path, dispose: () => rm(dir, { recursive: true, force: true }) };
}
