import { open } from "node:fs/promises";
import { PolicyError, type Policy } from "../policy/policy.js";
import { defaultPolicy } from "../policy/default.js";

/** Largest policy file read: real policies are a few KiB; this stops `--policy /dev/zero` (CWE-400). */
const MAX_POLICY_BYTES = 1024 * 1024;

/**
 * Loads a user policy file (JSON or YAML) on top of the default policy; with no file, the default
 * policy. The format is decided by content, not by extension: JSON when the first non-blank
 * character is `{`, YAML otherwise. YAML is read with the core schema only: no custom or language
 * tags, which are rejected rather than silently read as strings.
 *
 * @example
 * const policy = await loadPolicy("modelvet-policy.yaml");
 * @throws PolicyError `Cannot load policy "x.yaml": …` when the file cannot be read, parsed or validated.
 */
export async function loadPolicy(file?: string): Promise<Policy> {
  if (file === undefined) return defaultPolicy();
  const fail = (reason: string): PolicyError => new PolicyError(`Cannot load policy ${JSON.stringify(file)}: ${reason}`);

  let bytes: Uint8Array;
  try {
    bytes = await readBounded(file, MAX_POLICY_BYTES);
  } catch (error) {
    throw fail(ioReason(error));
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes); // also drops a leading BOM
  } catch {
    throw fail("file is not valid UTF-8");
  }
  // YAML and the rule list (to check the ids a policy names) load only when there is a policy file.
  const { policyFromText } = await import("../engine/policy-text.js");
  return policyFromText(text, file);
}

/** Reads up to `max` bytes and fails past it, without trusting `stat` (pipes and devices have no size). */
async function readBounded(file: string, max: number): Promise<Uint8Array> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(max + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > max) throw new Error(`file is larger than ${max} bytes`);
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

function ioReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EISDIR") return "is a directory";
  if (code === "EACCES") return "permission denied";
  return (error as Error).message;
}
