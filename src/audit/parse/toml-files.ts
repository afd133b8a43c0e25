import { parse as parseToml } from "smol-toml";
import type { Dependency, DependencyList } from "../types.js";
import { lineFinder } from "./conda.js";
import { parseRequirementList } from "./requirements.js";

type Table = Record<string, unknown>;

function readToml(text: string, out: DependencyList): Table | undefined {
  try {
    return parseToml(text) as Table;
  } catch (error) {
    out.problems.push(`TOML does not parse (${(error as Error).message.split("\n")[0]}); nothing was audited`);
    return undefined;
  }
}

function table(value: unknown): Table | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Table) : undefined;
}

/**
 * `pyproject.toml`: PEP 621 `[project] dependencies` and `optional-dependencies`, PEP 735
 * `[dependency-groups]`, and Poetry's `[tool.poetry.dependencies]` / group tables with Poetry's
 * caret and tilde constraints turned into PEP 440 ranges.
 */
export function parsePyproject(text: string): DependencyList {
  const out: DependencyList = { kind: "pyproject", dependencies: [], problems: [], notes: [] };
  const doc = readToml(text, out);
  if (!doc) return out;
  const lineOf = lineFinder(text);
  const strings: { text: string; line?: number }[] = [];
  const addStrings = (list: unknown): void => {
    if (Array.isArray(list)) for (const s of list) if (typeof s === "string") strings.push({ text: s, line: lineOf(s) });
  };
  const project = table(doc.project);
  addStrings(project?.dependencies);
  for (const list of Object.values(table(project?.["optional-dependencies"]) ?? {})) addStrings(list);
  for (const list of Object.values(table(doc["dependency-groups"]) ?? {})) addStrings(list);
  const pep = parseRequirementList(strings, "pyproject");
  out.dependencies.push(...pep.dependencies);
  out.problems.push(...pep.problems);
  out.notes.push(...pep.notes);
  const poetry = table(table(doc.tool)?.poetry);
  if (poetry) {
    const groups = [table(poetry.dependencies), table(poetry["dev-dependencies"]), ...Object.values(table(poetry.group) ?? {}).map((g) => table(table(g)?.dependencies))];
    for (const group of groups) for (const [name, value] of Object.entries(group ?? {})) readPoetryDependency(name, value, lineOf(`${name} `) ?? lineOf(name), out);
  }
  return out;
}

function readPoetryDependency(name: string, value: unknown, line: number | undefined, out: DependencyList): void {
  if (name.toLowerCase() === "python") return;
  const constraints = Array.isArray(value) ? value : [value];
  for (const c of constraints) {
    const spec = typeof c === "string" ? c : typeof table(c)?.version === "string" ? (table(c)?.version as string) : undefined;
    const base: Dependency = { ecosystem: "PyPI", name, pinning: "any" };
    if (line !== undefined) base.line = line;
    if (spec === undefined) {
      out.notes.push(`${name}: Poetry dependency from a path, URL or git source has no declared version; not audited`);
      continue;
    }
    for (const alternative of spec.split("||")) {
      const converted = poetryToPep440(alternative.trim());
      if (converted === undefined) out.problems.push(`${name}: Poetry constraint ${JSON.stringify(alternative.trim())} not understood; not audited`);
      else out.dependencies.push({ ...base, ...converted });
    }
  }
}

/**
 * Poetry constraints (https://python-poetry.org/docs/dependency-specification/): `^1.2.3`
 * = `>=1.2.3,<2.0.0` (leftmost non-zero segment bumps), `~1.2.3` = `>=1.2.3,<1.3.0`, a bare
 * version is an exact pin, `*` is anything, and PEP 440 operators pass through.
 */
export function poetryToPep440(spec: string): Pick<Dependency, "pinning" | "version" | "specifier"> | undefined {
  if (spec === "" || spec === "*") return { pinning: "any" };
  const parts = spec.split(",").map((p) => p.trim());
  const out: string[] = [];
  for (const part of parts) {
    const caret = /^\^\s*(\d+(?:\.\d+)*)$/.exec(part);
    const tilde = /^~(?!=)\s*(\d+(?:\.\d+)*)$/.exec(part);
    if (caret) {
      const nums = (caret[1] as string).split(".").map(Number);
      const index = nums.findIndex((n) => n !== 0);
      const bumpAt = index < 0 ? nums.length - 1 : index;
      const upper = nums.slice(0, bumpAt + 1);
      upper[bumpAt] = (upper[bumpAt] ?? 0) + 1;
      out.push(`>=${caret[1]}`, `<${upper.join(".")}`);
    } else if (tilde) {
      const nums = (tilde[1] as string).split(".").map(Number);
      const upper = nums.length === 1 ? [(nums[0] ?? 0) + 1] : [nums[0] ?? 0, (nums[1] ?? 0) + 1];
      out.push(`>=${tilde[1]}`, `<${upper.join(".")}`);
    } else if (/^\d[\w.!+-]*$/.test(part)) {
      if (parts.length === 1) return { pinning: "exact", version: part };
      out.push(`==${part}`);
    } else if (/^\d[\w.]*\.\*$/.test(part)) out.push(`==${part}`);
    else if (/^(?:[<>]=?|==|!=|~=|===)\s*\S+$/.test(part)) out.push(part.replace(/\s+/g, ""));
    else return undefined;
  }
  if (out.length === 1 && /^==[^*]+$/.test(out[0] as string)) return { pinning: "exact", version: (out[0] as string).slice(2) };
  return { pinning: "range", specifier: out.join(",") };
}

/**
 * `poetry.lock` and `uv.lock`: every `[[package]]` with a name and version is what gets
 * installed. uv's workspace members (`source = { editable/virtual }`) are the project itself.
 */
export function parseTomlLock(text: string, kind: "poetry-lock" | "uv-lock"): DependencyList {
  const out: DependencyList = { kind, dependencies: [], problems: [], notes: [] };
  const doc = readToml(text, out);
  if (!doc) return out;
  const packages = Array.isArray(doc.package) ? doc.package : [];
  const lineOf = lineFinder(text);
  for (const p of packages) {
    const entry = table(p);
    const name = entry?.name;
    const version = entry?.version;
    if (typeof name !== "string") continue;
    const source = table(entry?.source);
    if (kind === "uv-lock" && (source?.editable !== undefined || source?.virtual !== undefined)) continue;
    if (typeof version !== "string") {
      out.notes.push(`${name}: locked without a version; not audited`);
      continue;
    }
    const dep: Dependency = { ecosystem: "PyPI", name, pinning: "exact", version };
    const line = lineOf(`name = "${name}"`);
    if (line !== undefined) dep.line = line;
    out.dependencies.push(dep);
  }
  return out;
}

/** `Pipfile.lock` (JSON): `default` and `develop` map names to `{ "version": "==1.2.3" }`. */
export function parsePipfileLock(text: string): DependencyList {
  const out: DependencyList = { kind: "pipfile-lock", dependencies: [], problems: [], notes: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    out.problems.push("Pipfile.lock is not valid JSON; nothing was audited");
    return out;
  }
  const lineOf = lineFinder(text);
  for (const section of ["default", "develop"]) {
    for (const [name, value] of Object.entries(table(table(doc)?.[section]) ?? {})) {
      const version = table(value)?.version;
      const dep: Dependency = { ecosystem: "PyPI", name, pinning: "any" };
      const line = lineOf(`"${name}"`);
      if (line !== undefined) dep.line = line;
      if (typeof version !== "string" || version === "*") {
        out.notes.push(`${name}: locked without a version (VCS, path or "*"); not audited`);
        continue;
      }
      const pinned = /^===?\s*(\S+)$/.exec(version);
      out.dependencies.push(pinned ? { ...dep, pinning: "exact", version: pinned[1] as string } : { ...dep, pinning: "range", specifier: version });
    }
  }
  return out;
}
