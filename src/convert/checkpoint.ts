import type { ByteSource } from "../core/byte-source.js";
import { DEFAULT_LIMITS, type Limits } from "../core/limits.js";
import { readNpy } from "../formats/numpy/npy.js";
import { emptyDocument } from "../formats/pickle/vm.js";
import { pickleAt } from "../formats/torch/pickle-sequence.js";
import { findTorchArchive, LEGACY_MAGIC, LEGACY_PROTOCOL } from "../formats/torch/index.js";
import { readZip, type ZipReadResult } from "../formats/zip/index.js";
import { DTYPES, numpyDtype } from "./dtypes.js";
import { unpickleRestricted, type Refusal } from "./restricted-unpickler.js";
import { byteSpan, readStateDict, removeSharedDuplicates, storageBytes, type NamedTensor } from "./state-dict.js";
import type { StridedTensor } from "./tensor-bytes.js";
import { dictGet, type TStorage, type TValue } from "./values.js";

/** One tensor to write: where its bytes are and what it is. */
export interface PlannedTensor {
  name: string;
  /** safetensors dtype name (`F32`, `BF16`, …). */
  dtype: string;
  shape: number[];
  byteLength: number;
  data: StridedTensor;
  /** Written contiguous from a strided view. */
  copiedContiguous: boolean;
}

export type CheckpointKind = "pytorch-zip" | "pytorch-legacy" | "npy" | "npz";

/** What will be written, before anything is. */
export interface ConversionPlan {
  kind: CheckpointKind;
  tensors: PlannedTensor[];
  /** Removed duplicate name -> kept name (tied weights), as `__metadata__` records them. */
  removed: Map<string, string>;
  stateDictKey?: string;
  /** Non-tensor entries not written. */
  skipped: string[];
  skippedCount: number;
}

export type PlanResult = { ok: true; plan: ConversionPlan } | { ok: false; refusal: Refusal };

export interface PlanOptions {
  limits?: Limits;
  /** Sub-dict holding the weights in a training checkpoint (default: state_dict, model, module). */
  stateDictKey?: string;
  /** Tensor name for a lone `.npy` array. */
  npyName?: string;
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/**
 * Works out, from the bytes alone, which tensors a checkpoint holds and where their bytes are:
 * a PyTorch zip or legacy checkpoint (read by the restricted unpickler: tensor rebuilds and plain
 * containers only), a `.npy`, or an `.npz`. Nothing is executed; anything else is refused with
 * the reason.
 *
 * @example
 * const r = await planConversion(source);
 * if (r.ok) for (const t of r.plan.tensors) console.log(t.name, t.dtype, t.shape);
 */
export async function planConversion(source: ByteSource, options: PlanOptions = {}): Promise<PlanResult> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const head = await source.read(0, Math.min(16, source.size));
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b) return planZip(source, limits, options);
  if (NPY_MAGIC.every((b, i) => head[i] === b)) return planNpy(source, options.npyName ?? "array", "npy");
  if (head[0] === 0x80) return planLegacy(source, limits, options);
  return refused("malformed", "Not a PyTorch checkpoint (zip or legacy), .npy or .npz file");
}

function refused(code: Refusal["code"], message: string): PlanResult {
  return { ok: false, refusal: { code, message } };
}

async function planZip(source: ByteSource, limits: Limits, options: PlanOptions): Promise<PlanResult> {
  const zip = await readZip(source, { limits, budget: { members: 0, inflatedBytes: 0 }, now: () => 0, deadline: Infinity });
  const fatal = zip.defects.find((d) => d.fatal !== false);
  if (fatal) return refused("malformed", `The zip archive cannot be read reliably: ${fatal.message}`);
  const archive = findTorchArchive(zip.document);
  if (archive?.kind === "torchscript") return refused("call-not-allowed", "This is a TorchScript archive: its code runs when it is loaded, and its weights live in objects only that code builds; export a state dict with torch.save(model.state_dict()) instead");
  if (archive === undefined) return planNpz(zip);
  const sourceOf = recordSources(zip, archive.prefix);
  const dataPkl = sourceOf.get("data.pkl");
  if (dataPkl === undefined) return refused("malformed", `The archive has no single readable ${archive.prefix}/data.pkl`);
  if (dataPkl.size > limits.maxPickleBytes) return refused("limit", `data.pkl is ${dataPkl.size} bytes, over the maxPickleBytes limit of ${limits.maxPickleBytes}`);
  const r = unpickleRestricted(await dataPkl.read(0, dataPkl.size), { pidItems: 5 });
  if (!r.ok) return r;
  return planTorch("pytorch-zip", r.value, (storage) => sourceOf.get(`data/${storage.key}`), options);
}

/** `prefix/name` records by name; names that appear twice are left out (torch and Python's zipfile would disagree on them). */
function recordSources(zip: ZipReadResult, prefix: string): Map<string, ByteSource> {
  const byPath = new Map(zip.members.filter((m) => !m.speculative).map((m) => [m.path, m.source]));
  const out = new Map<string, ByteSource>();
  const dup = new Set<string>();
  for (const e of zip.document.entries) {
    if (e.central === undefined || !e.name.startsWith(`${prefix}/`) || e.memberPath === undefined) continue;
    const name = e.name.slice(prefix.length + 1);
    const src = byPath.get(e.memberPath);
    if (src === undefined) continue;
    if (out.has(name)) dup.add(name);
    out.set(name, src);
  }
  for (const name of dup) out.delete(name);
  return out;
}

/**
 * A legacy `torch.save` file: five pickles (magic, protocol, sys_info, the object, storage keys),
 * then each storage as an 8-byte element count and its raw little-endian elements, in key order.
 */
async function planLegacy(source: ByteSource, limits: Limits, options: PlanOptions): Promise<PlanResult> {
  const values: TValue[] = [];
  let pos = 0;
  for (let i = 0; i < 5; i++) {
    // The scanner's VM finds where each pickle ends (reading in small windows, never the raw
    // storages after them); the restricted reader then reads exactly those bytes.
    const bounds = await pickleAt(source, emptyDocument(), pos, { limits });
    if (!bounds.ok) return refused("malformed", `Pickle ${i + 1} of the 5 of a legacy checkpoint is broken: ${bounds.defect.message}`);
    if (bounds.end - pos > limits.maxPickleBytes) return refused("limit", `Pickle ${i + 1} is ${bounds.end - pos} bytes, over the maxPickleBytes limit of ${limits.maxPickleBytes}`);
    const r = unpickleRestricted(await source.read(pos, bounds.end - pos), { base: pos, pidItems: 6 });
    if (!r.ok) return r;
    values.push(r.value);
    pos = r.end;
  }
  const [magic, protocol, sysInfo, object, keys] = values as [TValue, TValue, TValue, TValue, TValue];
  if (typeof magic !== "bigint" || magic !== LEGACY_MAGIC || protocol !== LEGACY_PROTOCOL) return refused("malformed", "Not a legacy torch checkpoint: the magic number or protocol version is wrong");
  if (sysInfo === null || typeof sysInfo !== "object" || sysInfo.t !== "dict" || dictGet(sysInfo, "little_endian") !== true) return refused("malformed", "The legacy checkpoint was not written little-endian (sys_info.little_endian is not True)");
  if (keys === null || typeof keys !== "object" || keys.t !== "list" || !keys.items.every((k) => typeof k === "string")) return refused("malformed", "The storage key list of the legacy checkpoint is not a list of strings");
  const declared = collectStorages(object);
  if ("refusal" in declared) return { ok: false, refusal: declared.refusal };
  const storages = new Map<string, ByteSource>();
  for (const key of keys.items as string[]) {
    const storage = declared.value.get(key);
    if (storage === undefined) return refused("malformed", `Storage key ${JSON.stringify(key)} is listed but no tensor declares it`);
    if (pos + 8 > source.size) return refused("malformed", `The file ends before storage ${JSON.stringify(key)}`);
    const head = await source.read(pos, 8);
    const count = new DataView(head.buffer, head.byteOffset, 8).getUint32(0, true) + new DataView(head.buffer, head.byteOffset, 8).getUint32(4, true) * 2 ** 32;
    const bytes = count * DTYPES[storage.dtype].size;
    if (count !== storage.numel) return refused("malformed", `Storage ${JSON.stringify(key)} records ${count} elements but is declared with ${storage.numel}`);
    if (pos + 8 + bytes > source.size) return refused("malformed", `Storage ${JSON.stringify(key)} runs past the end of the file`);
    if (storages.has(key)) return refused("malformed", `Storage key ${JSON.stringify(key)} is listed twice`);
    storages.set(key, source.slice(pos + 8, bytes));
    pos += 8 + bytes;
  }
  return planTorch("pytorch-legacy", object, (storage) => storages.get(storage.key), options);
}

/** Storages by key; one key declared with two types or sizes is refused (torch would build one on the other). */
function collectStorages(root: TValue): { value: Map<string, TStorage> } | { refusal: Refusal } {
  const out = new Map<string, TStorage>();
  const stack: TValue[] = [root];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const v = stack.pop() as TValue;
    if (v === null || typeof v !== "object" || seen.has(v)) continue;
    seen.add(v);
    if (v.t === "dict") stack.push(...v.values);
    else if (v.t === "list" || v.t === "tuple") stack.push(...v.items);
    else if (v.t === "tensor") {
      const s = v.storage;
      const first = out.get(s.key);
      if (first === undefined) out.set(s.key, s);
      else if (first.dtype !== s.dtype || first.numel !== s.numel) {
        return { refusal: { code: "bad-storage-id", message: `Storage key ${JSON.stringify(s.key)} is declared as ${first.type} x ${first.numel} and again as ${s.type} x ${s.numel}` } };
      }
    }
  }
  return { value: out };
}

function planTorch(kind: CheckpointKind, root: TValue, bytesOf: (s: TStorage) => ByteSource | undefined, options: PlanOptions): PlanResult {
  const storages = collectStorages(root);
  if ("refusal" in storages) return { ok: false, refusal: storages.refusal };
  const sd = readStateDict(root, options.stateDictKey);
  if (!sd.ok) return sd;
  // Tensors sharing a key share one storage object, as torch.load's storage cache makes them.
  const tensors: NamedTensor[] = sd.value.tensors.map((nt) => ({ name: nt.name, tensor: { ...nt.tensor, storage: storages.value.get(nt.tensor.storage.key) ?? nt.tensor.storage } }));
  const dedup = removeSharedDuplicates(tensors);
  if (!dedup.ok) return dedup;
  const planned: PlannedTensor[] = [];
  for (const { name, tensor } of dedup.value.kept) {
    const source = bytesOf(tensor.storage);
    const need = storageBytes(tensor);
    if (source === undefined) return refused("malformed", `Tensor ${JSON.stringify(name)}: storage ${JSON.stringify(tensor.storage.key)} has no (single) data record`);
    if (source.size < need) return refused("malformed", `Tensor ${JSON.stringify(name)}: storage ${JSON.stringify(tensor.storage.key)} declares ${need} bytes but its record holds ${source.size} (CVE-2026-24747 shape)`);
    const span = byteSpan(tensor);
    if (span.stop > need) return refused("bad-rebuild", `Tensor ${JSON.stringify(name)} reads bytes ${span.start}-${span.stop} of a ${need}-byte storage`);
    const info = DTYPES[tensor.dtype];
    const numel = tensor.shape.reduce((a, b) => a * b, 1);
    const data: StridedTensor = { storage: source, dtype: tensor.dtype, offset: tensor.offset, shape: tensor.shape, stride: tensor.stride };
    planned.push({ name, dtype: info.safetensors, shape: tensor.shape, byteLength: numel * info.size, data, copiedContiguous: !cContiguous(tensor.shape, tensor.stride) });
  }
  const plan: ConversionPlan = { kind, tensors: planned, removed: dedup.value.removed, skipped: sd.value.skipped, skippedCount: sd.value.skippedCount };
  if (sd.value.key !== undefined) plan.stateDictKey = sd.value.key;
  return { ok: true, plan };
}

function cContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expected) return false;
    expected *= shape[i] as number;
  }
  return true;
}

async function planNpz(zip: ZipReadResult): Promise<PlanResult> {
  const files = zip.document.entries.filter((e) => e.central !== undefined && e.kind !== "directory");
  if (files.length === 0 || !files.every((e) => e.name.endsWith(".npy"))) return refused("malformed", "A zip that is neither a PyTorch checkpoint nor an .npz (every member an .npy)");
  const byPath = new Map(zip.members.filter((m) => !m.speculative).map((m) => [m.path, m.source]));
  const plan: ConversionPlan = { kind: "npz", tensors: [], removed: new Map(), skipped: [], skippedCount: 0 };
  const names = new Set<string>();
  for (const e of files) {
    const source = e.memberPath === undefined ? undefined : byPath.get(e.memberPath);
    const name = e.name.slice(0, -4);
    if (source === undefined) return refused("malformed", `Member ${JSON.stringify(e.name)} cannot be read`);
    if (names.has(name)) return refused("malformed", `Array ${JSON.stringify(name)} appears twice`);
    names.add(name);
    const r = await planNpy(source, name, "npz");
    if (!r.ok) return r;
    plan.tensors.push(...r.plan.tensors);
  }
  return { ok: true, plan };
}

async function planNpy(source: ByteSource, name: string, kind: "npy" | "npz"): Promise<PlanResult> {
  const doc = await readNpy(source);
  const where = kind === "npz" ? `Array ${JSON.stringify(name)}` : "The array";
  if (doc.problems.length > 0) return refused("malformed", `${where}: ${doc.problems[0]?.message ?? "bad header"}`);
  if (doc.objectArray) return refused("call-not-allowed", `${where} holds Python objects (a pickle numpy only loads with allow_pickle=True)`);
  if (doc.descr === undefined || doc.shape === undefined) return refused("malformed", `${where}: header has no descr or shape`);
  // The header's descr as rendered Python: a plain type string is quoted ('<f4').
  const descr = /^'[^']*'$/.test(doc.descr) ? doc.descr.slice(1, -1) : doc.descr;
  const dt = numpyDtype(descr);
  if ("reason" in dt) return refused("unsupported-dtype", `${where}: ${dt.reason}`);
  const size = DTYPES[dt.dtype].size;
  const shape = doc.shape;
  const numel = shape.reduce((a, b) => a * b, 1);
  if (doc.dataBytes !== numel * size) return refused("malformed", `${where}: ${doc.dataBytes} data bytes for ${numel} elements of ${size} bytes`);
  // Fortran order is C order of the reversed shape: strides grow from the first dimension.
  const stride: number[] = new Array<number>(shape.length).fill(0);
  let step = 1;
  const order = doc.fortranOrder === true ? shape.map((_, i) => i) : shape.map((_, i) => shape.length - 1 - i);
  for (const i of order) {
    stride[i] = step;
    step *= shape[i] as number;
  }
  const data: StridedTensor = { storage: source.slice(doc.dataOffset, doc.dataBytes), dtype: dt.dtype, offset: 0, shape, stride, swap: dt.bigEndian };
  const plan: ConversionPlan = {
    kind,
    tensors: [{ name, dtype: DTYPES[dt.dtype].safetensors, shape, byteLength: numel * size, data, copiedContiguous: doc.fortranOrder === true && shape.filter((d) => d > 1).length > 1 }],
    removed: new Map(),
    skipped: [],
    skippedCount: 0,
  };
  return { ok: true, plan };
}
