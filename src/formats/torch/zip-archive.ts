import type { ByteSource } from "../../core/byte-source.js";
import type { Member, ScanContext } from "../../core/handler.js";
import type { PickleDocument } from "../pickle/types.js";
import type { ZipDocument, ZipEntry, ZipReadResult } from "../zip/index.js";
import { READ_CONCURRENCY, mapConcurrent } from "./concurrent.js";
import { readPersistentId, tensorMutations } from "./persistent-ids.js";
import { TORCHSCRIPT_PICKLE, TORCH_PICKLE, parseMemberPickle } from "./pickle-member.js";
import { emptyTorchScriptFacts, scanCodeFile } from "./torchscript-code.js";
import { emptyTorchDocument, type StorageRef, type TorchDocument } from "./types.js";

/** Storage records and persistent ids checked per archive (CWE-770); real models have a few thousand. */
export const MAX_STORAGES = 1_000_000;
/** Longest `version` record read. */
const MAX_VERSION_BYTES = 64;

/** The part of a zip torch reads: records under the archive prefix, by name. */
export interface TorchArchive {
  prefix: string;
  kind: "checkpoint" | "torchscript";
  /** Record name (without the prefix) to every entry carrying it (duplicates included). */
  records: Map<string, ZipEntry[]>;
  /** Central-directory entries outside the prefix (torch's getAllRecords refuses them). */
  outside: ZipEntry[];
}

/**
 * Finds the archive the way PyTorchStreamReader does (caffe2/serialize/inline_container.cc):
 * the prefix is the first central-directory entry's name up to its first `/`, and every record
 * is looked up as `prefix/name`. A TorchScript archive has `constants.pkl` (torch.load's
 * `_is_torchscript_zip`); a checkpoint has `data.pkl`. Other zips are not torch archives.
 */
export function findTorchArchive(zip: ZipDocument): TorchArchive | undefined {
  const central = zip.entries.filter((e) => e.central !== undefined);
  const first = central[0];
  if (!first) return undefined;
  const slash = first.name.indexOf("/");
  if (slash <= 0) return undefined;
  const prefix = first.name.slice(0, slash);
  const records = new Map<string, ZipEntry[]>();
  const outside: ZipEntry[] = [];
  for (const e of central) {
    if (!e.name.startsWith(`${prefix}/`)) {
      outside.push(e);
      continue;
    }
    const name = e.name.slice(prefix.length + 1);
    const list = records.get(name) ?? [];
    list.push(e);
    records.set(name, list);
  }
  if (records.has("constants.pkl")) return { prefix, kind: "torchscript", records, outside };
  if (records.has("data.pkl")) return { prefix, kind: "checkpoint", records, outside };
  return undefined;
}

interface ParsedPickle {
  record: string;
  member: string;
  doc: PickleDocument;
}

/**
 * The torch view of a zip checkpoint or TorchScript archive: parses the pickles torch loads
 * (remembering them for the member scan), checks their storage ids against the `data/<key>`
 * records, reads TorchScript code, and rewrites the member list so storage records are not
 * sniffed (only their first two bytes are read, to find a pickle hidden there).
 */
export async function analyzeTorchArchive(archive: TorchArchive, zip: ZipReadResult, ctx: ScanContext): Promise<{ document: TorchDocument; members: Member[]; notes: string[] }> {
  const doc = emptyTorchDocument(archive.kind === "torchscript" ? "torchscript" : "pytorch-zip", "zip");
  doc.prefix = archive.prefix;
  const notes: string[] = [];
  const byPath = new Map(zip.members.map((m) => [m.path, m]));
  const sourceOf = (e: ZipEntry): ByteSource | undefined => (e.memberPath === undefined ? undefined : byPath.get(e.memberPath)?.source);
  // Compressed members are produced on first read; what was read here is dropped again until the engine scans it.
  const done = (e: ZipEntry): void => {
    if (e.memberPath !== undefined) byPath.get(e.memberPath)?.release?.();
  };
  const forced = new Map<string, string>();

  const pickles: ParsedPickle[] = [];
  for (const [record, entries] of archive.records) {
    if (!isTorchPickle(record, archive.kind)) continue;
    for (const e of entries) {
      const source = sourceOf(e);
      if (!source || e.memberPath === undefined) continue;
      pickles.push({ record, member: e.memberPath, doc: await parseMemberPickle(source, ctx) });
      done(e);
      forced.set(e.memberPath, archive.kind === "torchscript" ? TORCHSCRIPT_PICKLE : TORCH_PICKLE);
      if (isLoadedPickle(record, archive.kind)) doc.pickles.push(e.memberPath);
    }
  }
  const storageRecords = checkStorages(doc, archive, pickles);
  doc.version = await readVersion(archive, sourceOf, done);
  if (archive.kind === "torchscript") await readCode(doc, archive, sourceOf, done);
  if (archive.outside.length > 0) {
    notes.push(`${archive.outside.length} zip entries are outside the archive folder "${archive.prefix}/" (e.g. "${archive.outside[0]?.name}"); torch refuses such archives, they were scanned anyway`);
  }

  // Raw tensor bytes are never unpickled by torch: only a pickle magic there is worth a look.
  const storageMembers = zip.members.filter((m) => !forced.has(m.path) && storageRecords.has(m.path));
  const hidden = new Set((await mapConcurrent(storageMembers, READ_CONCURRENCY, async (m) => {
        const pickle = await startsLikePickle(m.source);
        m.release?.();
        return pickle ? m.path : undefined;
      })).filter((p) => p !== undefined));
  const members: Member[] = [];
  for (const m of zip.members) {
    const force = forced.get(m.path);
    if (force) members.push({ ...m, forceFormat: force });
    else if (!storageRecords.has(m.path)) members.push(m);
    else if (hidden.has(m.path)) members.push({ ...m, speculative: true, forceFormat: "pickle" });
  }
  return { document: doc, members, notes };
}

/** Pickles the loader reads: `data.pkl` for torch.load; every `.pkl`/`.debug_pkl` of a TorchScript archive. */
function isTorchPickle(record: string, kind: TorchArchive["kind"]): boolean {
  if (kind === "checkpoint") return record === "data.pkl";
  return record.endsWith(".pkl") || record.endsWith(".debug_pkl");
}

function isLoadedPickle(record: string, kind: TorchArchive["kind"]): boolean {
  return kind === "checkpoint" ? record === "data.pkl" : record === "data.pkl" || record === "constants.pkl" || record === "bytecode.pkl";
}

/** Where a pickle's tensors live: `data.pkl` reads `data/<key>`, TorchScript's `constants.pkl` reads `constants/<key>`. */
function storageDir(record: string): string | undefined {
  if (!record.endsWith(".pkl") || record.includes("/")) return undefined;
  return `${record.slice(0, -4)}/`;
}

async function startsLikePickle(source: ByteSource): Promise<boolean> {
  if (source.size < 2) return false;
  const head = await source.read(0, 2);
  return head[0] === 0x80 && (head[1] as number) >= 2 && (head[1] as number) <= 5;
}

/** Checks every storage id against its record; returns the member paths of referenced storage records. */
function checkStorages(doc: TorchDocument, archive: TorchArchive, pickles: ParsedPickle[]): Set<string> {
  const referenced = new Set<string>();
  const byKey = new Map<string, StorageRef>();
  const dirs = new Set<string>();
  for (const p of pickles) {
    const dir = storageDir(p.record);
    if (dir !== undefined) dirs.add(dir);
    for (const m of tensorMutations(p.doc, p.member)) doc.mutations.push(m);
    for (const pid of p.doc.persistentIds) {
      if (doc.storages.length + doc.oddIds.length >= MAX_STORAGES) break;
      const reading = readPersistentId(pid, p.member, "zip");
      if (reading.kind === "odd") {
        doc.oddIds.push(reading.odd);
        for (const e of reading.key !== undefined && dir !== undefined ? (archive.records.get(`${dir}${reading.key}`) ?? []) : []) if (e.memberPath !== undefined) referenced.add(e.memberPath);
      }
      if (reading.kind !== "storage" || dir === undefined) continue;
      const ref = reading.ref;
      ref.record = `${archive.prefix}/${dir}${ref.key}`;
      doc.storages.push(ref);
      const entries = archive.records.get(`${dir}${ref.key}`) ?? [];
      for (const e of entries) if (e.memberPath !== undefined) referenced.add(e.memberPath);
      checkKeyConflict(doc, byKey, `${dir}${ref.key}`, ref);
      checkRecordSize(doc, ref, entries[0]);
    }
  }
  for (const [name, entries] of archive.records) {
    const dir = [...dirs].find((d) => name.startsWith(d));
    if (dir === undefined || entries.some((e) => e.memberPath !== undefined && referenced.has(e.memberPath))) continue;
    doc.storageProblems.push({ code: "extra", message: `Storage record "${archive.prefix}/${name}" is not referenced by any persistent id; torch never reads it`, member: `${archive.prefix}/${name}` });
  }
  return referenced;
}

function checkKeyConflict(doc: TorchDocument, byKey: Map<string, StorageRef>, key: string, ref: StorageRef): void {
  const seen = byKey.get(key);
  if (!seen) {
    byKey.set(key, ref);
    return;
  }
  if (seen.storageType === ref.storageType && seen.numel === ref.numel) return;
  doc.storageProblems.push({
    code: "key-conflict",
    message: `Storage key "${ref.key}" is declared as ${seen.storageType} x ${seen.numel} and again as ${ref.storageType} x ${ref.numel}; torch keeps the first and builds the second tensor on it`,
    member: ref.pickle,
    offset: ref.offset,
  });
}

function checkRecordSize(doc: TorchDocument, ref: StorageRef, entry: ZipEntry | undefined): void {
  const where = { member: ref.pickle, offset: ref.offset };
  if (!entry) {
    doc.storageProblems.push({ code: "missing", message: `Persistent id refers to storage "${ref.key}" but there is no record "${ref.record}"; torch.load fails`, ...where });
    return;
  }
  if (ref.elementSize === undefined || ref.numel === undefined) return;
  const declared = ref.numel * ref.elementSize;
  const actual = entry.uncompressedSize;
  const evidence = `${ref.storageType} x ${ref.numel} = ${declared} bytes, record ${actual} bytes`;
  if (actual < declared) {
    doc.storageProblems.push({
      code: "short",
      message: `Storage "${ref.key}" declares ${ref.numel} elements of ${ref.storageType} (${declared} bytes) but record "${ref.record}" holds ${actual} bytes: torch builds a storage larger than its buffer (CVE-2026-24747)`,
      evidence,
      ...where,
    });
  } else if (actual > declared) {
    doc.storageProblems.push({ code: "long", message: `Record "${ref.record}" holds ${actual} bytes but storage "${ref.key}" needs ${declared}; torch never reads the other ${actual - declared}`, evidence, ...where });
  }
}

async function readVersion(archive: TorchArchive, sourceOf: (e: ZipEntry) => ByteSource | undefined, done: (e: ZipEntry) => void): Promise<string | undefined> {
  const entry = (archive.records.get(".data/version") ?? archive.records.get("version"))?.[0];
  const source = entry ? sourceOf(entry) : undefined;
  if (!entry || !source) return undefined;
  const bytes = await source.read(0, Math.min(source.size, MAX_VERSION_BYTES));
  const version = new TextDecoder("latin1").decode(bytes).trim();
  done(entry);
  return version;
}

async function readCode(doc: TorchDocument, archive: TorchArchive, sourceOf: (e: ZipEntry) => ByteSource | undefined, done: (e: ZipEntry) => void): Promise<void> {
  const facts = emptyTorchScriptFacts();
  const budget = { bytes: 0 };
  for (const [name, entries] of archive.records) {
    if (!isCodeRecord(name)) continue;
    for (const e of entries) {
      const source = sourceOf(e);
      if (source) {
        await scanCodeFile(facts, e.memberPath ?? e.name, source, budget);
        done(e);
      } else facts.unread.push(`${e.name} (its data could not be read)`);
    }
  }
  doc.torchscript = facts;
}

/** TorchScript sources: `code/<class path>.py` (and torch.package's `.data/ts_code/code/`). */
function isCodeRecord(name: string): boolean {
  return name.endsWith(".py") && (name.startsWith("code/") || name.startsWith(".data/ts_code/code/"));
}
