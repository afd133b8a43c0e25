import { ABSURD_EXTERNAL_BYTES } from "./limits.js";
import { EXTERNAL_DATA_KEYS, type ExternalLocation, type ExternalNumberIssue, type LocationIssue, type OnnxExternalEntry } from "./types.js";

const URL_SCHEME = /^[a-z][a-z0-9+.-]+:/i;
const DRIVE = /^[a-z]:/i;
const DECIMAL = /^[0-9]+$/;

/**
 * Classifies an external-data `location` the way it will be joined to the model folder on any
 * OS: backslashes count as separators (Windows), and every `..` segment is flagged, not only a
 * leading one (the `lstrip("/.")` bypass, CVE-2024-27318).
 *
 * @example
 * classifyLocation("weights/../../etc/passwd").issues; // ["parent-segment"], escapes: true
 */
export function classifyLocation(raw: string): ExternalLocation {
  const issues: LocationIssue[] = [];
  const slashed = raw.replace(/\\/g, "/");
  if (raw.length === 0) issues.push("empty");
  if (raw.includes("\u0000")) issues.push("nul-byte");
  if (DRIVE.test(slashed)) issues.push("drive-letter");
  else if (URL_SCHEME.test(slashed)) issues.push("url");
  if (slashed.startsWith("//")) issues.push("unc-path");
  else if (slashed.startsWith("/")) issues.push("absolute");
  const { normalized, escapes, parents } = normalizeSegments(slashed);
  if (parents) issues.push("parent-segment");
  return { raw, normalized, issues, escapes };
}

function normalizeSegments(path: string): { normalized: string; escapes: boolean; parents: boolean } {
  const out: string[] = [];
  let climbed = 0;
  let parents = false;
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      parents = true;
      if (out.length > 0) out.pop();
      else climbed++;
      continue;
    }
    out.push(segment);
  }
  const normalized = [...Array<string>(climbed).fill(".."), ...out].join("/");
  return { normalized, escapes: climbed > 0, parents };
}

/** Keys outside the five ONNX expects, once each, in file order. */
export function unknownKeys(entries: readonly OnnxExternalEntry[]): string[] {
  return [...new Set(entries.map((e) => e.key).filter((k) => !EXTERNAL_DATA_KEYS.includes(k)))];
}

/** Keys given more than once: readers disagree on which value wins. */
export function duplicateKeys(entries: readonly OnnxExternalEntry[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const e of entries) (seen.has(e.key) ? dup : seen).add(e.key);
  return [...dup];
}

/** `offset` and `length` must be plain decimal byte counts of a plausible size. */
export function numberIssues(entries: readonly OnnxExternalEntry[]): ExternalNumberIssue[] {
  const issues: ExternalNumberIssue[] = [];
  for (const e of entries) {
    if (e.key !== "offset" && e.key !== "length") continue;
    if (!DECIMAL.test(e.value)) {
      issues.push({ key: e.key, value: e.value, reason: "not a plain decimal number" });
    } else if (Number(e.value) > ABSURD_EXTERNAL_BYTES) {
      issues.push({ key: e.key, value: e.value, reason: `larger than ${ABSURD_EXTERNAL_BYTES} bytes (1 TiB)` });
    }
  }
  return issues;
}
