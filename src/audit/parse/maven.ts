import { Parser } from "htmlparser2";
import type { Dependency, DependencyList } from "../types.js";
import { mavenRangeInterval } from "../maven-version.js";

/** Property expansions per value (CWE-674/CWE-776): `${a}` -> `${b}` -> … chains and loops stop here. */
const MAX_PROPERTY_EXPANSIONS = 16;
/** Longest expanded value (CWE-776): `${a}${a}` nested 16 deep would otherwise grow 65 536-fold. */
const MAX_EXPANDED_CHARS = 1024;

/**
 * Maven `pom.xml`: every `<dependency>` (including dependencyManagement and plugin dependencies)
 * with `${property}` versions expanded from `<properties>` and `${project.version}`. A version
 * left undefined (inherited from a parent or a BOM) is audited as unconstrained.
 */
export function parsePom(text: string): DependencyList {
  const out: DependencyList = { kind: "maven-pom", dependencies: [], problems: [], notes: [] };
  const properties = new Map<string, string>();
  const raw: { groupId?: string; artifactId?: string; version?: string; line: number }[] = [];
  const stack: string[] = [];
  let current: { groupId?: string; artifactId?: string; version?: string; line: number } | undefined;
  let textBuffer = "";
  let line = 1;
  let consumed = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        stack.push(name);
        textBuffer = "";
        if (name === "dependency") {
          line += countNewlines(text, consumed, parser.startIndex);
          consumed = parser.startIndex;
          current = { line };
        }
      },
      ontext(data) {
        textBuffer += data;
      },
      onclosetag(name) {
        const parent = stack[stack.length - 2];
        const value = textBuffer.trim();
        if (current && parent === "dependency" && (name === "groupId" || name === "artifactId" || name === "version")) current[name] = value;
        else if (parent === "properties") properties.set(name, value);
        else if (parent === "project" && name === "version") properties.set("project.version", value);
        if (name === "dependency" && current) {
          raw.push(current);
          current = undefined;
        }
        stack.pop();
        textBuffer = "";
      },
    },
    { xmlMode: true },
  );
  parser.write(text);
  parser.end();
  for (const d of raw) {
    const groupId = d.groupId === undefined ? undefined : expand(d.groupId, properties);
    const artifactId = d.artifactId === undefined ? undefined : expand(d.artifactId, properties);
    if (!groupId || !artifactId) {
      if (d.groupId || d.artifactId) out.notes.push(`line ${d.line}: dependency ${JSON.stringify(`${d.groupId ?? "?"}:${d.artifactId ?? "?"}`)} uses a property not defined in this POM; not audited`);
      continue;
    }
    const name = `${groupId}:${artifactId}`;
    const dep: Dependency = { ecosystem: "Maven", name, pinning: "any", line: d.line };
    const version = d.version === undefined ? undefined : expand(d.version, properties);
    if (version === undefined || version === "") {
      if (d.version !== undefined) out.notes.push(`${name}: version ${JSON.stringify(d.version)} refers to a property not defined in this POM; audited as any version`);
      out.dependencies.push(dep);
    } else if (mavenRangeInterval(version)) out.dependencies.push({ ...dep, pinning: "range", specifier: version });
    else out.dependencies.push({ ...dep, pinning: "exact", version });
  }
  return out;
}

function expand(value: string, properties: ReadonlyMap<string, string>): string | undefined {
  let result = value;
  for (let i = 0; i < MAX_PROPERTY_EXPANSIONS && result.includes("${"); i++) {
    let missing = false;
    result = result.replace(/\$\{([^}]+)\}/g, (_, key: string) => {
      const v = properties.get(key);
      if (v === undefined) missing = true;
      return v ?? "";
    });
    if (missing || result.length > MAX_EXPANDED_CHARS) return undefined;
  }
  return result.includes("${") ? undefined : result;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Gradle dependency lock files: `group:artifact:version=configurations` per line. */
export function parseGradleLock(text: string): DependencyList {
  const out: DependencyList = { kind: "gradle-lock", dependencies: [], problems: [], notes: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = (lines[i] as string).trim();
    if (l === "" || l.startsWith("#") || l.startsWith("empty=")) continue;
    const m = /^([^:=\s]+):([^:=\s]+):([^:=\s]+)=/.exec(l);
    if (!m) {
      out.problems.push(`line ${i + 1}: ${JSON.stringify(l.slice(0, 80))} is not group:artifact:version=configurations`);
      continue;
    }
    out.dependencies.push({ ecosystem: "Maven", name: `${m[1]}:${m[2]}`, pinning: "exact", version: m[3] as string, line: i + 1 });
  }
  return out;
}
