import type { ByteSource } from "../../core/byte-source.js";
import { defect } from "../../core/defect.js";
import type { FormatAnalysis, Member, ScanContext } from "../../core/handler.js";
import { render } from "../pickle/render.js";
import type { PickleDocument } from "../pickle/types.js";
import { K, isObj, type PyValue } from "../pickle/values.js";
import { emptyDocument } from "../pickle/vm.js";
import { readTar, type TarEntry } from "../tar/index.js";
import { MAX_STORAGES } from "./zip-archive.js";
import { storageElementSize, tensorMutations } from "./persistent-ids.js";
import { TORCH_PICKLE, parseMemberPickle, rememberParsed } from "./pickle-member.js";
import { pickleAt, type SequenceOptions } from "./pickle-sequence.js";
import { emptyTorchDocument, type TorchDocument } from "./types.js";
import { TORCH_TAR_MEMBERS, sniffLegacyTar } from "./sniff.js";

export { TORCH_TAR_MEMBERS, sniffLegacyTar };

/** Dimensions a tensor record may declare: torch caps tensors at 64 dims (CWE-770). */
const MAX_DIMS = 64;

interface Walk {
  doc: TorchDocument;
  ctx: ScanContext;
  source: ByteSource;
  path: string;
  pickles: PickleDocument;
  options: SequenceOptions;
}

/**
 * The tar layout torch 1.13 still tries first for every non-zip file it can seek: extracts
 * `storages` (a count pickle, then per storage a `(key, location, storage_type)` pickle, an
 * int64 element count and the raw elements, then a pickle of views), `tensors` (a count, then
 * per tensor a `(key, storage_id, type)` pickle and its sizes, strides and offset as raw
 * int64s) and unpickles `pickle`. Every pickle is scanned; raw data is skipped by its sizes.
 *
 * @example
 * const analysis = await analyzeLegacyTar(source, ctx); // formats tar + pytorch-legacy-tar
 */
export async function analyzeLegacyTar(source: ByteSource, ctx: ScanContext): Promise<FormatAnalysis | undefined> {
  const tar = await readTar(source, ctx);
  const analysis: FormatAnalysis = { format: "tar", document: tar.document, defects: tar.defects, members: tar.members, notes: tar.notes };
  // tarfile.getmember: the last entry of a name wins.
  const named = new Map<string, TarEntry>();
  for (const e of tar.document.entries) named.set(e.name, e);
  if (!named.has("pickle") && !named.has("storages")) return tar.document.entries.length > 0 ? analysis : undefined;

  const doc = emptyTorchDocument("pytorch-legacy-tar", "legacy-tar");
  const sources = new Map(tar.members.map((m) => [m.path, m]));
  const options: SequenceOptions = { limits: ctx.limits, now: ctx.now, deadline: ctx.deadline };
  const keys = new Set<string>();
  const forced = new Set<string>();
  for (const name of TORCH_TAR_MEMBERS) {
    const e = named.get(name);
    if (e && (e.kind === "symlink" || e.kind === "hardlink")) {
      doc.layoutProblems.push({
        code: "tar-member-link",
        message: `Tar member "${name}" is a ${e.kind} to "${e.linkName ?? "?"}": torch extracts it to a temp folder and opens it, reading whatever the link points to`,
        ...(e.memberPath !== undefined ? { member: e.memberPath } : {}),
        ...(e.linkName !== undefined ? { evidence: e.linkName } : {}),
      });
      continue;
    }
    const member = e?.memberPath === undefined ? undefined : sources.get(e.memberPath);
    if (!e || !member) {
      if (name !== "sys_info") doc.layoutProblems.push({ code: "tar-member-missing", message: `Tar checkpoint has no "${name}" member; torch.load fails` });
      continue;
    }
    if (name === "sys_info") continue;
    const path = e.memberPath as string;
    forced.add(path);
    if (name === "pickle") {
      const pickled = await parseMemberPickle(member.source, ctx);
      doc.pickles.push(path);
      for (const m of tensorMutations(pickled, path)) doc.mutations.push(m);
      checkObjectIds(doc, pickled, path, keys);
      continue;
    }
    const pickles = emptyDocument();
    const walk: Walk = { doc, ctx, source: member.source, path, pickles, options };
    const end = name === "storages" ? await walkTarStorages(walk, keys) : await walkTarTensors(walk, keys);
    if (end !== undefined && end < member.source.size) {
      doc.layoutProblems.push({ code: "leftover", message: `${member.source.size - end} bytes follow the last record of "${name}" (offset ${end}); torch never reads them`, member: path, offset: end });
    }
    rememberParsed(member.source, pickles);
  }
  analysis.members = tar.members.map((m): Member => (forced.has(m.path) ? { ...m, forceFormat: TORCH_PICKLE } : m));
  analysis.also = [{ format: "pytorch-legacy-tar", document: doc }];
  return analysis;
}

function keyOf(value: PyValue | undefined): string | undefined {
  return typeof value === "string" || typeof value === "number" || typeof value === "bigint" ? String(value) : undefined;
}

function tupleItems(value: PyValue): PyValue[] | undefined {
  return isObj(value) && value.k === K.Tuple && value.n === value.items.length ? value.items : undefined;
}

/** Past the deadline: the walk stops with a fatal timeout defect in the member's pickle document. */
function late(w: Walk, i: number): boolean {
  if ((i & 0x3ff) !== 0x3ff || w.ctx.now() <= w.ctx.deadline) return false;
  w.pickles.defects.push(defect("timeout", `Timed out walking the records of "${w.path}"`, { limit: "maxMillisPerFile" }));
  return true;
}

async function readCount(w: Walk, at: number, what: string): Promise<{ count: number; end: number } | undefined> {
  const r = await pickleAt(w.source, w.pickles, at, w.options);
  if (!r.ok) return undefined;
  if (typeof r.value !== "number" || !Number.isSafeInteger(r.value) || r.value < 0 || r.value > MAX_STORAGES) {
    w.doc.layoutProblems.push({ code: "keys-unreadable", message: `The ${what} count is ${render(r.value, 60)}, not a plain count up to ${MAX_STORAGES}`, member: w.path, offset: at });
    return undefined;
  }
  return { count: r.value, end: r.end };
}

async function int64At(source: ByteSource, at: number): Promise<number | undefined> {
  if (at + 8 > source.size) return undefined;
  const b = await source.read(at, 8);
  const v = new DataView(b.buffer, b.byteOffset, 8);
  const n = v.getUint32(0, true) + v.getInt32(4, true) * 2 ** 32;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `storages`: count, then (key, location, type) + int64 count + raw elements per storage, then the views. */
async function walkTarStorages(w: Walk, keys: Set<string>): Promise<number | undefined> {
  const head = await readCount(w, 0, "storage");
  if (!head) return undefined;
  let pos = head.end;
  for (let i = 0; i < head.count; i++) {
    if (late(w, i)) return undefined;
    const r = await pickleAt(w.source, w.pickles, pos, w.options);
    if (!r.ok) return undefined;
    const items = tupleItems(r.value);
    const key = keyOf(items?.[0]);
    const type = items?.[2];
    const imp = type !== undefined && isObj(type) && type.k === K.Global ? type.imp : undefined;
    const elementSize = imp ? storageElementSize(imp.module, imp.name) : undefined;
    if (!items || items.length !== 3 || key === undefined || elementSize === undefined) {
      w.doc.layoutProblems.push({ code: "storage-unknown-type", message: `Storage record ${render(r.value, 100)} is not (key, location, storage type); the rest of "storages" cannot be walked`, member: w.path, offset: pos });
      return undefined;
    }
    const count = await int64At(w.source, r.end);
    const bytes = count === undefined ? undefined : count * elementSize;
    if (count === undefined || bytes === undefined || count < 0 || r.end + 8 + bytes > w.source.size) {
      w.doc.layoutProblems.push({ code: "storage-truncated", message: `Storage "${key}" at offset ${r.end} records ${String(count)} elements, past the end of "storages"`, member: w.path, offset: r.end });
      return undefined;
    }
    keys.add(key);
    const location = items[1];
    w.doc.storages.push({ pickle: w.path, offset: pos, key, storageType: `${imp?.module}.${imp?.name}`, elementSize, location: typeof location === "string" ? location : undefined, numel: count });
    pos = r.end + 8 + bytes;
  }
  const views = await pickleAt(w.source, w.pickles, pos, w.options);
  if (!views.ok) return undefined;
  for (const view of isObj(views.value) && views.value.k === K.List ? views.value.items : []) {
    const key = keyOf(tupleItems(view)?.[0]);
    if (key !== undefined) keys.add(key);
  }
  return views.end;
}

/** `tensors`: count, then (key, storage_id, type) + int32 ndim, 4 pad bytes, sizes, strides, offset per tensor. */
async function walkTarTensors(w: Walk, keys: Set<string>): Promise<number | undefined> {
  const head = await readCount(w, 0, "tensor");
  if (!head) return undefined;
  let pos = head.end;
  for (let i = 0; i < head.count; i++) {
    if (late(w, i)) return undefined;
    const r = await pickleAt(w.source, w.pickles, pos, w.options);
    if (!r.ok) return undefined;
    const items = tupleItems(r.value);
    const key = keyOf(items?.[0]);
    const storage = keyOf(items?.[1]);
    if (key !== undefined) keys.add(key);
    if (storage !== undefined && !keys.has(storage)) {
      w.doc.storageProblems.push({ code: "missing", message: `Tensor "${key ?? "?"}" refers to storage "${storage}", which "storages" does not define; torch.load fails`, member: w.path, offset: pos });
    }
    if (r.end + 8 > w.source.size) {
      w.doc.layoutProblems.push({ code: "storage-truncated", message: `"tensors" ends inside the metadata of tensor "${key ?? "?"}"`, member: w.path, offset: r.end });
      return undefined;
    }
    const b = await w.source.read(r.end, 4);
    const ndim = new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);
    const end = r.end + 8 + 16 * ndim + 8;
    if (ndim < 0 || ndim > MAX_DIMS || end > w.source.size) {
      w.doc.layoutProblems.push({ code: "storage-truncated", message: `Tensor "${key ?? "?"}" declares ${ndim} dimensions at offset ${r.end}, which "tensors" cannot hold`, member: w.path, offset: r.end });
      return undefined;
    }
    pos = end;
  }
  return pos;
}

/** The object pickle names storages and tensors by key (`persistent_load` does `deserialized_objects[int(id)]`). */
function checkObjectIds(doc: TorchDocument, pickled: PickleDocument, path: string, keys: Set<string>): void {
  for (const pid of pickled.persistentIds) {
    const value = pid.pid;
    const items = tupleItems(value);
    if (items) {
      if (items[0] !== "module" || items.length !== 4) doc.oddIds.push({ pickle: path, offset: pid.offset, text: render(value, 160), reason: "a tuple id that is not ('module', cls, source_file, source)" });
      continue;
    }
    const key = keyOf(value);
    if (key === undefined || !/^-?\d+$/.test(key)) {
      doc.oddIds.push({ pickle: path, offset: pid.offset, text: render(value, 160), reason: "not an integer key (torch calls int() on it)" });
    } else if (keys.size > 0 && !keys.has(key)) {
      doc.storageProblems.push({ code: "missing", message: `The object refers to "${key}", which neither "storages" nor "tensors" defines; torch.load fails`, member: path, offset: pid.offset });
    }
  }
}
