import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { inputKindOf, MAX_DEPENDENCY_FILE_BYTES, parseDependencyFile } from "../audit/detect.js";
import { AUDIT_FORMAT, auditDocument, type AuditDocument } from "../audit/document.js";
import type { AdvisoryDb } from "../audit/osv.js";
import { condaMetaList } from "../audit/parse/conda.js";
import { installedList } from "../audit/parse/metadata.js";
import { resolveRequirements, type LoadResult } from "../audit/parse/requirements.js";
import type { DependencyList } from "../audit/types.js";
import { summarize, verdictOf, type FileReport, type ScanReport } from "../core/finding.js";
import { reportDocument } from "../engine/scan.js";
import { AUDIT_RULES } from "../rules/audit/index.js";
import type { Policy } from "../policy/policy.js";
import { PathError } from "./path-error.js";
import { VERSION } from "./version.js";

export interface AuditPathsOptions {
  db: AdvisoryDb;
  policy: Policy;
}

/**
 * Audits files and folders: virtualenvs and site-packages folders (each `*.dist-info` /
 * `*.egg-info`), conda environments (`conda-meta/*.json`), and dependency files found by name
 * (requirements, pyproject, locks, conda and MLflow environment files, pom.xml, Gradle locks).
 * One report entry per environment or file, each checked by the AUD rules.
 *
 * @example
 * const report = await auditPaths(["venv", "model/requirements.txt"], { db: bundledAdvisoryDb(), policy });
 */
export async function auditPaths(paths: readonly string[], options: AuditPathsOptions): Promise<ScanReport> {
  const files: FileReport[] = [];
  for (const given of paths) {
    let info;
    try {
      info = await stat(given);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new PathError(`cannot audit ${JSON.stringify(given)}: ${code === "ENOENT" ? "no such file or directory" : (error as Error).message}`);
    }
    const root = info.isDirectory() ? given : dirname(given);
    const inputs = info.isDirectory() ? await inputsInFolder(given) : [{ path: given, kind: inputKindOf(given, { explicit: true }) }];
    for (const input of inputs) files.push(await auditInput(input, root, options));
    if (info.isDirectory() && inputs.length === 0) {
      files.push({ path: given, verdict: "clean", formats: [], findings: [], errors: [], notes: ["No Python environment or dependency file found here (looked for *.dist-info, conda-meta, requirements*.txt, pyproject.toml, locks, environment.yml, python_env.yaml, conda.yaml, pom.xml, Gradle lock files)."] });
    }
  }
  return { schemaVersion: 1, tool: { name: "modelvet", version: VERSION }, files, summary: summarize(files) };
}

type Input = { path: string; kind: ReturnType<typeof inputKindOf> } | { path: string; kind: "site-packages" | "conda-meta"; members: string[] };

/** Directory entries looked at per folder argument (CWE-400): a runaway tree stops with an error. */
const MAX_AUDIT_ENTRIES = 1_000_000;
/** Folders never worth entering for dependency files. */
const SKIPPED_FOLDERS = new Set([".git", "node_modules", "__pycache__", ".hg", ".svn"]);
/** Where installed distributions live: only their metadata folders are read, not the packages' own trees. */
const SITE_FOLDER = /^(?:site-packages|dist-packages)$/;

/**
 * Environments (grouped by their site-packages or conda-meta folder) and dependency files under a
 * folder. Symlinks are not followed (a venv's `lib64 -> lib` would count everything twice), and
 * inside site-packages only `*.dist-info` / `*.egg-info` are opened: a real environment has
 * hundreds of thousands of package files that say nothing about versions.
 */
async function inputsInFolder(folder: string): Promise<Input[]> {
  const environments = new Map<string, { kind: "site-packages" | "conda-meta"; members: string[] }>();
  const manifests: Input[] = [];
  const addMember = (home: string, kind: "site-packages" | "conda-meta", path: string): void => {
    const env = environments.get(home) ?? { kind, members: [] };
    env.members.push(path);
    environments.set(home, env);
  };
  let seen = 0;
  const stack = [folder.replace(/[\\/]+$/, "") || folder];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    seen += entries.length;
    if (seen > MAX_AUDIT_ENTRIES) throw new PathError(`cannot audit ${JSON.stringify(folder)}: more than ${MAX_AUDIT_ENTRIES} entries (limit MAX_AUDIT_ENTRIES); audit the environment or project folders directly`);
    const site = SITE_FOLDER.test(dir.split(/[\\/]/).pop() ?? "");
    const subdirs: string[] = [];
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (site) {
        if (entry.isDirectory() && /\.(?:dist|egg)-info$/.test(entry.name)) {
          const meta = join(path, entry.name.endsWith(".dist-info") ? "METADATA" : "PKG-INFO");
          addMember(dir, "site-packages", meta);
        } else if (entry.isFile() && entry.name.endsWith(".egg-info")) addMember(dir, "site-packages", path);
        continue;
      }
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) subdirs.push(path);
        continue;
      }
      if (!entry.isFile()) continue;
      const kind = inputKindOf(path);
      if (kind === "conda-meta") addMember(dirname(dir), kind, path);
      else if (kind === "site-packages") addMember(dirname(dirname(dir)), kind, path);
      else if (kind !== undefined) manifests.push({ path, kind });
    }
    // Reversed onto the stack so folders are visited in name order (stable reports).
    stack.push(...subdirs.reverse());
  }
  return [...[...environments].map(([path, env]) => ({ path, ...env })), ...manifests];
}

async function auditInput(input: Input, root: string, options: AuditPathsOptions): Promise<FileReport> {
  if (input.kind === undefined) {
    return { path: input.path, verdict: "error", formats: [], findings: [], errors: [{ code: "unsupported", message: `${input.path} is not a dependency file modelvet audit reads (requirements*.txt or *.txt pip freeze output, pyproject.toml, poetry.lock, uv.lock, Pipfile.lock, environment.yml, conda.yaml, python_env.yaml, pom.xml, Gradle lock files, or a folder)`, location: {} }], notes: [] };
  }
  let list: DependencyList;
  if ("members" in input) list = await readEnvironment(input.kind, input.members);
  else {
    const text = await readBounded(input.path);
    if ("error" in text) list = { kind: input.kind, dependencies: [], problems: [`${input.path}: ${text.error}`], notes: [] };
    else {
      const parsed = parseDependencyFile(input.kind, text.text, { path: input.path });
      list = parsed.includes.length > 0 ? await resolveRequirements(input.path, parsed, { load: (p) => loadInside(p, root) }) : parsed;
    }
  }
  return reportOf(input.path, auditDocument(input.path, list, { db: options.db }), options);
}

async function readEnvironment(kind: "site-packages" | "conda-meta", members: readonly string[]): Promise<DependencyList> {
  const entries: { path: string; text: string }[] = [];
  const problems: string[] = [];
  for (const path of members) {
    const text = await readBounded(path);
    if ("error" in text) problems.push(`${path}: ${text.error}`);
    else entries.push({ path, text: text.text });
  }
  const list = kind === "conda-meta" ? condaMetaList(entries) : installedList(entries);
  return { ...list, problems: [...problems, ...list.problems] };
}

async function readBounded(path: string): Promise<LoadResult> {
  try {
    const info = await stat(path);
    if (info.size > MAX_DEPENDENCY_FILE_BYTES) return { error: `${info.size} bytes is larger than ${MAX_DEPENDENCY_FILE_BYTES} (limit MAX_DEPENDENCY_FILE_BYTES); not read` };
    return { text: await readFile(path, "utf8") };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * Includes are read only inside the audited folder: a scanned requirements file that says
 * `-r /home/me/.ssh/id_rsa` must not copy lines of that file into a published report.
 */
async function loadInside(path: string, root: string): Promise<LoadResult> {
  let real: string;
  let rootReal: string;
  try {
    real = await realpath(resolve(path));
    rootReal = await realpath(resolve(root));
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message };
  }
  const rel = relative(rootReal, real);
  if (rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) return { error: "it is outside the audited folder" };
  return readBounded(real);
}

function reportOf(path: string, doc: AuditDocument, options: AuditPathsOptions): FileReport {
  const exact = doc.dependencies.filter((d) => d.pinning === "exact").length;
  const summary = `${doc.kind}: ${doc.dependencies.length} package(s) read (${exact} exact, ${doc.dependencies.length - exact} ranged or unpinned); ${doc.matches.length} advisory match(es) from ${options.db.sources.join(" + ")}.`;
  const report = reportDocument(AUDIT_FORMAT, doc, { path, policy: options.policy, notes: [summary, ...doc.notes], rules: AUDIT_RULES });
  const errors = [...report.errors, ...doc.problems.map((message) => ({ code: "unreadable-input", message, location: {} }))];
  return { ...report, formats: [AUDIT_FORMAT, doc.kind], errors, verdict: verdictOf(report.findings, errors) };
}
