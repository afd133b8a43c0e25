import type { ByteSource } from "../core/byte-source.js";
import type { Defect } from "../core/defect.js";
import { DEFAULT_LIMITS, type Limits } from "../core/limits.js";
import type { FormatHandler, ScanContext } from "../core/handler.js";
import { bzip2Handler, gzipHandler, innerName, xzHandler, zstdHandler } from "../formats/compress/index.js";
import { readTar, sniffTar } from "../formats/tar/index.js";
import { readZip } from "../formats/zip/index.js";
import { defaultPolicy } from "../policy/default.js";
import { pathProblems } from "../rules/archive/member-path.js";

/** Total bytes written by one extraction (CWE-409); raise with --max-bytes. */
export const MAX_EXTRACT_BYTES = 16 * 1024 ** 3;
/** Entries in one archive (CWE-770). */
export const MAX_EXTRACT_ENTRIES = 100_000;
/** Output bytes per archive byte (CWE-409): model archives compress a few times, bombs thousands of times. */
export const MAX_EXTRACT_RATIO = 1000;
/** Folder depth of one entry (CWE-674; PATH_MAX allows about this many short names). */
export const MAX_PATH_DEPTH = 256;

export type SkipCode =
  | "unsafe-path"
  | "symlink"
  | "hardlink"
  | "special-file"
  | "duplicate"
  | "case-collision"
  | "parent-not-folder"
  | "no-data"
  | "limit";

export interface Skip {
  name: string;
  code: SkipCode;
  reason: string;
}

/** Something to create under DEST: components are already checked (no `..`, no separators, no NUL). */
export interface PlannedEntry {
  /** Member name as written in the archive. */
  name: string;
  path: string[];
  kind: "file" | "directory";
  source?: ByteSource;
  /** Executable bit kept for files; setuid, setgid and sticky bits are never kept. */
  executable: boolean;
  /** A hard link materialised as a copy of this earlier entry. */
  copyOf?: string;
}

export interface ExtractionPlan {
  format: "zip" | "tar" | "single";
  /** Outer compression of a tar (gzip, bzip2, xz, zstd). */
  compression?: string;
  entries: PlannedEntry[];
  skipped: Skip[];
  /** Problems reading the archive; `fatal` ones mean some entries may be missing. */
  defects: Defect[];
  /** Bytes the planned files hold. */
  totalBytes: number;
}

export interface ExtractLimits {
  maxBytes: number;
  maxEntries: number;
  maxRatio: number;
}

export const DEFAULT_EXTRACT_LIMITS: Readonly<ExtractLimits> = Object.freeze({ maxBytes: MAX_EXTRACT_BYTES, maxEntries: MAX_EXTRACT_ENTRIES, maxRatio: MAX_EXTRACT_RATIO });

interface RawEntry {
  name: string;
  kind: "file" | "directory" | "symlink" | "hardlink" | "special";
  what?: string;
  source?: ByteSource;
  mode: number;
  linkTarget?: string;
}

const COMPRESSORS: FormatHandler[] = [gzipHandler, bzip2Handler, xzHandler, zstdHandler];

/**
 * Decides, from the archive alone, what an extraction creates: each entry's path split into
 * checked components, or a reason it is skipped. Links are never created: a hard link to an
 * earlier regular file inside the archive becomes a copy of it, symlinks are skipped. Devices,
 * FIFOs, names that leave the folder, duplicates and case-insensitive collisions are skipped;
 * totals past the limits stop the plan.
 *
 * @example
 * const plan = await planExtraction(source, { name: "bundle.zip" });
 */
export async function planExtraction(source: ByteSource, options: { name: string; limits?: Partial<ExtractLimits> }): Promise<ExtractionPlan> {
  const limits = { ...DEFAULT_EXTRACT_LIMITS, ...options.limits };
  // One entry more than allowed, so the plan sees and reports the one past the limit.
  const scanLimits: Limits = { ...DEFAULT_LIMITS, maxInflatedBytes: limits.maxBytes, maxMembers: limits.maxEntries + 1 };
  const head = await source.read(0, Math.min(512, source.size));
  const raw: RawEntry[] = [];
  const defects: Defect[] = [];
  let format: ExtractionPlan["format"] = "single";
  let compression: string | undefined;
  if (head[0] === 0x50 && head[1] === 0x4b) {
    format = "zip";
    const zip = await readZip(source, { limits: scanLimits, budget: { members: 0, inflatedBytes: 0 }, now: () => 0, deadline: Infinity });
    defects.push(...zip.defects);
    const byPath = new Map(zip.members.filter((m) => !m.speculative).map((m) => [m.path, m.source]));
    for (const e of zip.document.entries) {
      if (e.central === undefined) continue; // only the central directory's view, as unzip and Python read it
      const entry: RawEntry = { name: e.name, kind: e.kind, mode: e.unixMode ?? 0o644 };
      const data = e.memberPath === undefined ? undefined : byPath.get(e.memberPath);
      if (data !== undefined) entry.source = data;
      if (e.linkTarget !== undefined) entry.linkTarget = e.linkTarget;
      raw.push(entry);
    }
  } else {
    let inner = source;
    for (const handler of COMPRESSORS) {
      if (handler.sniff(head, { name: options.name, size: source.size, parents: [] }) !== "strong") continue;
      const analysis = await handler.analyze(source, scanContext(options.name, scanLimits));
      defects.push(...(analysis?.defects ?? []));
      const member = analysis?.members?.find((m) => !m.speculative);
      if (member === undefined) {
        const why = analysis?.defects[0];
        const reason = `The ${handler.id} stream could not be fully decompressed: ${why?.message ?? "no output"}${why?.limit !== undefined ? ` (${why.limit})` : ""}`;
        return { format, compression: handler.id, entries: [], skipped: [{ name: options.name, code: why?.limit !== undefined ? "limit" : "no-data", reason }], defects, totalBytes: 0 };
      }
      inner = member.source;
      compression = handler.id;
      break;
    }
    const innerHead = await inner.read(0, Math.min(512, inner.size));
    if (sniffTar(innerHead, { name: options.name, size: inner.size, parents: [] }) !== "no") {
      format = "tar";
      const tar = await readTar(inner, { limits: scanLimits, now: () => 0, deadline: Infinity });
      defects.push(...tar.defects);
      const byPath = new Map(tar.members.filter((m) => !m.speculative).map((m) => [m.path, m.source]));
      for (const e of tar.document.entries) {
        // Entries past a damaged header or the end blocks: Python's tarfile never extracts them.
        if (e.afterEnd || e.afterBadHeader) continue;
        const kind = e.kind === "file" || e.kind === "directory" || e.kind === "symlink" || e.kind === "hardlink" ? e.kind : "special";
        const entry: RawEntry = { name: e.name, kind, what: e.kind, mode: e.mode };
        const data = e.memberPath === undefined ? undefined : byPath.get(e.memberPath);
        if (data !== undefined) entry.source = data;
        if (e.linkName !== undefined) entry.linkTarget = e.linkName;
        raw.push(entry);
      }
    } else if (compression !== undefined) {
      raw.push({ name: innerName(options.name), kind: "file", mode: 0o644, source: inner });
    } else {
      return { format, entries: [], skipped: [{ name: options.name, code: "no-data", reason: "Not a zip, tar, or compressed tar archive" }], defects, totalBytes: 0 };
    }
  }
  const plan = decide(raw, limits, source.size);
  return { format, ...(compression !== undefined ? { compression } : {}), ...plan, defects };
}

function scanContext(name: string, limits: Limits): ScanContext {
  return { limits, policy: defaultPolicy(), budget: { members: 0, inflatedBytes: 0 }, depth: 0, memberPath: undefined, name, now: () => 0, deadline: Infinity, parents: [] };
}

/** Splits a name into components the way a Windows or POSIX extractor might: `\` is a separator too. */
export function safeComponents(name: string): { ok: true; path: string[] } | { ok: false; reason: string } {
  const problems = pathProblems(name);
  if (/^[\\/]{2}/.test(name)) problems.push("is a UNC path");
  if (problems.length > 0) return { ok: false, reason: `The name ${problems.join(", ")}` };
  const path = name.split(/[\\/]/).filter((c) => c !== "" && c !== ".");
  if (path.length === 0) return { ok: false, reason: "The name is empty" };
  if (path.length > MAX_PATH_DEPTH) return { ok: false, reason: `The name is more than ${MAX_PATH_DEPTH} folders deep (MAX_PATH_DEPTH)` };
  if (path.some((c) => c.includes(":"))) return { ok: false, reason: "A component contains ':' (a drive letter or an NTFS stream on Windows)" };
  return { ok: true, path };
}

/** Case- and normalisation-insensitive key: two names that one file system treats as one. */
function foldKey(path: string[]): string {
  return path.map((c) => c.normalize("NFC").toLowerCase()).join("/");
}

function decide(raw: RawEntry[], limits: ExtractLimits, archiveBytes: number): Omit<ExtractionPlan, "format" | "defects"> {
  const entries: PlannedEntry[] = [];
  const skipped: Skip[] = [];
  /** Folded path -> kind and exact path, for collisions and for "parent is a file". */
  const taken = new Map<string, { kind: "file" | "directory"; exact: string; entry?: PlannedEntry }>();
  let totalBytes = 0;
  const maxByRatio = Math.max(archiveBytes, 1) * limits.maxRatio;
  const skip = (name: string, code: SkipCode, reason: string): void => void skipped.push({ name, code, reason });

  for (const [index, e] of raw.entries()) {
    if (index >= limits.maxEntries) {
      skip(e.name, "limit", `More than ${limits.maxEntries} entries (maxEntries): the rest were not extracted`);
      break;
    }
    const checked = safeComponents(e.name);
    if (!checked.ok) {
      skip(e.name, "unsafe-path", checked.reason);
      continue;
    }
    const path = checked.path;
    if (e.kind === "symlink") {
      skip(e.name, "symlink", `Symbolic link to ${JSON.stringify(e.linkTarget ?? "?")}: links are never created`);
      continue;
    }
    if (e.kind === "special") {
      skip(e.name, "special-file", `A ${e.what ?? "special"} entry: devices, FIFOs and other special files are never created`);
      continue;
    }
    let source = e.source;
    let copyOf: string | undefined;
    if (e.kind === "hardlink") {
      const target = e.linkTarget === undefined ? undefined : safeComponents(e.linkTarget);
      const earlier = target?.ok ? taken.get(foldKey(target.path)) : undefined;
      if (!target?.ok || earlier?.kind !== "file" || earlier.entry?.source === undefined || earlier.exact !== target.path.join("/")) {
        skip(e.name, "hardlink", `Hard link to ${JSON.stringify(e.linkTarget ?? "?")}, which is not a regular file extracted earlier: links are never created`);
        continue;
      }
      source = earlier.entry.source;
      copyOf = earlier.entry.path.join("/");
    }
    const parentProblem = parentConflict(path, taken);
    if (parentProblem !== undefined) {
      skip(e.name, "parent-not-folder", parentProblem);
      continue;
    }
    const key = foldKey(path);
    const exact = path.join("/");
    const seen = taken.get(key);
    const kind = e.kind === "directory" ? "directory" : "file";
    if (seen !== undefined) {
      if (seen.kind === "directory" && kind === "directory") continue;
      if (seen.exact === exact) skip(e.name, "duplicate", `A second entry named ${JSON.stringify(exact)}: the first one is kept (readers disagree on which wins)`);
      else skip(e.name, "case-collision", `${JSON.stringify(exact)} and ${JSON.stringify(seen.exact)} are one file on case-insensitive file systems: the first one is kept`);
      continue;
    }
    if (kind === "file" && source === undefined) {
      skip(e.name, "no-data", "The entry's data could not be read (see the archive defects)");
      continue;
    }
    const size = source?.size ?? 0;
    if (totalBytes + size > limits.maxBytes || totalBytes + size > maxByRatio) {
      const which = totalBytes + size > limits.maxBytes ? `the ${limits.maxBytes}-byte total (maxBytes)` : `${limits.maxRatio} times the archive size (maxRatio)`;
      skip(e.name, "limit", `Extracting it would pass ${which}: extraction stopped here`);
      break;
    }
    totalBytes += size;
    const planned: PlannedEntry = { name: e.name, path, kind, executable: kind === "file" && (e.mode & 0o111) !== 0 };
    if (kind === "file" && source !== undefined) planned.source = source;
    if (copyOf !== undefined) planned.copyOf = copyOf;
    entries.push(planned);
    taken.set(key, { kind, exact, entry: planned });
    // Folders implied by the path count as taken too (a later file cannot reuse their name).
    for (let i = 1; i < path.length; i++) {
      const k = foldKey(path.slice(0, i));
      if (!taken.has(k)) taken.set(k, { kind: "directory", exact: path.slice(0, i).join("/") });
    }
  }
  return { entries, skipped, totalBytes };
}

function parentConflict(path: string[], taken: Map<string, { kind: "file" | "directory"; exact: string }>): string | undefined {
  for (let i = 1; i < path.length; i++) {
    const seen = taken.get(foldKey(path.slice(0, i)));
    if (seen?.kind === "file") return `Its folder ${JSON.stringify(path.slice(0, i).join("/"))} is a file extracted earlier`;
  }
  return undefined;
}
