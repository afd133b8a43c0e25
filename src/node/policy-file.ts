import { open } from "node:fs/promises";
import { parseDocument } from "yaml";
import { assertKnownRuleIds, createPolicy, PolicyError, validatePolicyData, type Policy } from "../policy/policy.js";
import { RULES } from "../rules/index.js";
import { DEFAULT_POLICY_DATA, defaultPolicy } from "../policy/default.js";

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
  return policyFromText(text, file);
}

/**
 * A policy from a policy document's text (JSON or YAML) on top of the default policy; `label`
 * names it in errors. The gate uses it for policies stored with tokens.
 */
export function policyFromText(text: string, label: string): Policy {
  const fail = (reason: string): PolicyError => new PolicyError(`Cannot load policy ${JSON.stringify(label)}: ${reason}`);
  const data = parsePolicyText(text, fail);
  try {
    validatePolicyData(data);
    assertKnownRuleIds(data, RULES.map((rule) => rule.meta.id));
  } catch (error) {
    if (error instanceof PolicyError) throw fail(lowerFirst(error.message));
    throw error;
  }
  return createPolicy([DEFAULT_POLICY_DATA, data]);
}

function parsePolicyText(text: string, fail: (reason: string) => PolicyError): unknown {
  if (text.trimStart().startsWith("{")) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw fail(`invalid JSON: ${(error as Error).message}`);
    }
  }
  const doc = parseDocument(text, { schema: "core" });
  // Warnings include unresolved tags (`!!python/object`): a policy has no business using them.
  const problem = doc.errors[0] ?? doc.warnings[0];
  // The first line carries the reason and "at line L, column C:"; the rest is a source excerpt.
  if (problem) throw fail(`invalid YAML: ${(problem.message.split("\n")[0] ?? "").replace(/:$/, "")}`);
  return doc.toJS() as unknown;
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

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
