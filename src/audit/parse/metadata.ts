import type { Dependency, DependencyList } from "../types.js";

/**
 * The installed distribution a core-metadata file describes (`*.dist-info/METADATA`,
 * `*.egg-info/PKG-INFO`): the `Name` and `Version` headers before the first blank line.
 *
 * @example
 * parseCoreMetadata("Metadata-Version: 2.1\nName: mlflow\nVersion: 2.9.0\n"); // { name: "mlflow", version: "2.9.0" }
 */
export function parseCoreMetadata(text: string): { name: string; version: string } | undefined {
  let name: string | undefined;
  let version: string | undefined;
  for (const line of headerLines(text)) {
    const m = /^(Name|Version):[ \t]*(.*?)\s*$/i.exec(line);
    if (!m) continue;
    if (m[1]?.toLowerCase() === "name") name ??= m[2];
    else version ??= m[2];
    if (name !== undefined && version !== undefined) break;
  }
  return name && version ? { name, version } : undefined;
}

/** Header lines end at the first blank line; the body (the README) never counts. */
function* headerLines(text: string): Generator<string> {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, "");
    if (line === "") return;
    yield line;
    start = end + 1;
  }
}

/** Installed packages of one site-packages folder, from its metadata files. */
export function installedList(entries: readonly { path: string; text: string }[]): DependencyList {
  const out: DependencyList = { kind: "site-packages", dependencies: [], problems: [], notes: [] };
  for (const entry of entries) {
    const meta = parseCoreMetadata(entry.text);
    if (!meta) {
      out.problems.push(`${entry.path}: no Name and Version headers; this distribution was not audited`);
      continue;
    }
    const dep: Dependency = { ecosystem: "PyPI", name: meta.name, pinning: "exact", version: meta.version, from: entry.path };
    out.dependencies.push(dep);
  }
  return out;
}
