import type { Dependency } from "../types.js";

/** Longest requirement line considered (CWE-400): real ones, hashes included, are a few kilobytes. */
export const MAX_REQUIREMENT_LINE_CHARS = 64 * 1024;

/** PEP 508 name, extras, then a specifier or `@ url`, then `; marker`. */
const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*/;
/** A PEP 440 specifier list, loosely: operator + version-ish token, comma separated. */
const SPECIFIER_LIST = /^(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9][A-Za-z0-9.*+!_-]*(?:\s*,\s*(?:~=|===|==|!=|<=|>=|<|>)\s*[A-Za-z0-9][A-Za-z0-9.*+!_-]*)*$/;
/** One `==` clause without a wildcard: the version that will be installed. */
const PINNED = /^\s*===?\s*([^\s,;*]+)\s*$/;

export type RequirementParse = { dependency: Dependency } | { skip: string } | { problem: string };

/**
 * One PEP 508 requirement (`torch[cuda]>=2.0,<2.6 ; sys_platform == "linux" --hash=sha256:…`).
 * Markers are kept but not evaluated: a requirement that applies on any platform is audited.
 *
 * @example
 * parseRequirement("mlflow==2.9.0", 3); // { dependency: { name: "mlflow", pinning: "exact", version: "2.9.0", line: 3, ... } }
 */
export function parseRequirement(text: string, line?: number): RequirementParse {
  if (text.length > MAX_REQUIREMENT_LINE_CHARS) return { problem: `line ${line ?? "?"}: requirement longer than ${MAX_REQUIREMENT_LINE_CHARS} characters` };
  const withoutOptions = text.replace(/\s+--?[A-Za-z][\w-]*(?:[= ]\S*)?/g, "").trim();
  const m = NAME.exec(withoutOptions);
  if (!m) return { problem: `line ${line ?? "?"}: ${JSON.stringify(text.slice(0, 80))} is not a requirement` };
  const name = m[1] as string;
  let rest = withoutOptions.slice(m[0].length);
  let marker: string | undefined;
  const semi = rest.indexOf(";");
  if (semi >= 0) {
    marker = rest.slice(semi + 1).trim();
    rest = rest.slice(0, semi).trim();
  }
  const base: Dependency = { ecosystem: "PyPI", name, pinning: "any" };
  if (line !== undefined) base.line = line;
  if (marker) base.marker = marker;
  if (rest.startsWith("@")) return { skip: `${name} comes from a URL (${rest.slice(1).trim().slice(0, 80)}); its version is not declared, so it was not audited` };
  const specifier = rest.replace(/^\((.*)\)$/, "$1").trim();
  if (specifier === "") return { dependency: base };
  // Anything else is not a requirement (and may be another format named requirements.txt).
  if (!SPECIFIER_LIST.test(specifier)) return { problem: `line ${line ?? "?"}: ${JSON.stringify(text.slice(0, 80))} is not a requirement (specifier ${JSON.stringify(specifier.slice(0, 40))} not understood)` };
  const pinned = PINNED.exec(specifier);
  if (pinned) return { dependency: { ...base, pinning: "exact", version: pinned[1] as string } };
  return { dependency: { ...base, pinning: "range", specifier } };
}
