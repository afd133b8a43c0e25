import { parseDocument } from "yaml";
import { pypiNameOfConda } from "../names.js";
import type { Dependency, DependencyList } from "../types.js";
import { parseRequirementList, type Include, type RequirementsFile } from "./requirements.js";

/** Packages of a conda environment, from its `conda-meta/*.json` records. */
export function condaMetaList(entries: readonly { path: string; text: string }[]): DependencyList {
  const out: DependencyList = { kind: "conda-meta", dependencies: [], problems: [], notes: [] };
  for (const entry of entries) {
    let record: unknown;
    try {
      record = JSON.parse(entry.text);
    } catch {
      out.problems.push(`${entry.path}: not valid JSON; this package was not audited`);
      continue;
    }
    const r = record as { name?: unknown; version?: unknown };
    if (typeof r !== "object" || r === null || typeof r.name !== "string" || typeof r.version !== "string") {
      out.problems.push(`${entry.path}: no string name and version; this package was not audited`);
      continue;
    }
    out.dependencies.push({ ecosystem: "PyPI", name: pypiNameOfConda(r.name), pinning: "exact", version: r.version, from: entry.path });
  }
  return out;
}

/** Alias expansions in an environment file (CWE-776): a billion-laughs YAML stops here. */
const MAX_YAML_ALIAS_COUNT = 100;

/**
 * `environment.yml` and MLflow's `conda.yaml`: conda match specs (`pytorch=2.1`, `numpy>=1.24`,
 * `conda-forge::mlflow==2.9.0`) and a `pip:` list of requirement lines, which may `-r` include
 * files next to it. MLflow's `python_env.yaml` has `dependencies:` as requirement lines.
 */
export function parseEnvironmentYaml(text: string, kind: "conda-environment" | "mlflow-python-env"): RequirementsFile {
  const out: RequirementsFile = { kind, dependencies: [], problems: [], notes: [], includes: [] };
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) {
    out.problems.push(`YAML does not parse (${doc.errors[0]?.message.split("\n")[0] ?? "error"}); nothing was audited`);
    return out;
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    out.problems.push(`YAML could not be read (${(error as Error).message}); nothing was audited`);
    return out;
  }
  if (typeof data !== "object" || data === null) return out;
  const deps = (data as Record<string, unknown>).dependencies;
  if (!Array.isArray(deps)) return out;
  const lineOf = lineFinder(text);
  const pipLines: { text: string; line?: number }[] = [];
  // MLflow writes build_dependencies above dependencies; read in file order for line numbers.
  if (kind === "mlflow-python-env") {
    const build = (data as Record<string, unknown>).build_dependencies;
    if (Array.isArray(build)) for (const b of build) if (typeof b === "string") pipLines.push({ text: b, line: lineOf(b) });
  }
  for (const item of deps) {
    if (typeof item === "string") {
      if (kind === "mlflow-python-env") pipLines.push({ text: item, line: lineOf(item) });
      else readCondaSpec(item, lineOf(item), out);
    } else if (typeof item === "object" && item !== null && Array.isArray((item as Record<string, unknown>).pip)) {
      for (const p of (item as { pip: unknown[] }).pip) if (typeof p === "string") pipLines.push({ text: p, line: lineOf(p) });
    }
  }
  const pip = parseRequirementList(pipLines, kind);
  out.dependencies.push(...pip.dependencies);
  out.problems.push(...pip.problems);
  out.notes.push(...pip.notes);
  out.includes.push(...(pip.includes as Include[]));
  return out;
}

/** Conda match spec: `[channel::]name[ op version[ build]]`; `=1.2` is conda's fuzzy `1.2.*`. */
function readCondaSpec(spec: string, line: number | undefined, out: RequirementsFile): void {
  const text = spec.replace(/^[^:\s]+::/, "").trim();
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$/.exec(text);
  if (!m) {
    out.problems.push(`line ${line ?? "?"}: ${JSON.stringify(spec.slice(0, 80))} is not a conda package spec`);
    return;
  }
  const name = pypiNameOfConda(m[1] as string);
  if (name === "python" || name === "pip") return;
  const rest = (m[2] as string).trim().split(/\s+/)[0] ?? "";
  const dep: Dependency = { ecosystem: "PyPI", name, pinning: "any" };
  if (line !== undefined) dep.line = line;
  if (rest === "" || rest === "*") out.dependencies.push(dep);
  else if (/^==[^=*,|]+$/.test(rest)) out.dependencies.push({ ...dep, pinning: "exact", version: rest.slice(2).split("=")[0] as string });
  else if (/^=?[0-9][^=<>!,|]*$/.test(rest)) {
    const version = rest.replace(/^=/, "").split("=")[0] as string;
    out.dependencies.push(version.endsWith("*") ? { ...dep, pinning: "range", specifier: `==${version.replace(/\.?\*$/, "")}.*` } : { ...dep, pinning: "range", specifier: `==${version}.*` });
  } else if (rest.includes("|")) {
    // Alternatives: any of them may be picked, so audit as unconstrained (the safe direction).
    out.dependencies.push(dep);
  } else out.dependencies.push({ ...dep, pinning: "range", specifier: rest });
}

/**
 * 1-based line of a list item's text, for locations. Items are looked up in file order from a
 * moving cursor, and the lines scanned per file are capped (CWE-407): a lock file with 100 000
 * entries must not cost 100 000 x 100 000 comparisons. A miss leaves the line unknown.
 */
export function lineFinder(text: string): (needle: string) => number | undefined {
  const lines = text.split("\n");
  let cursor = 0;
  let budget = 4 * lines.length + 1024;
  return (needle) => {
    for (let i = cursor; i < lines.length && budget > 0; i++, budget--) {
      if ((lines[i] as string).includes(needle)) {
        cursor = i + 1;
        return i + 1;
      }
    }
    return undefined;
  };
}
