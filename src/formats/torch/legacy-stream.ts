import type { ByteSource } from "../../core/byte-source.js";
import { defect } from "../../core/defect.js";
import type { FormatAnalysis, ScanContext } from "../../core/handler.js";
import { pickleAnalysis } from "../pickle/handler.js";
import { parsePickle } from "../pickle/parse.js";
import { render } from "../pickle/render.js";
import type { PickleDocument, StreamInfo } from "../pickle/types.js";
import { K, isObj } from "../pickle/values.js";
import { emptyDocument } from "../pickle/vm.js";
import { readKeyList } from "./legacy-keys.js";
import { resolveModulePids } from "./module-pids.js";
import { readPersistentId, tensorMutations } from "./persistent-ids.js";
import { pickleAt } from "./pickle-sequence.js";
import { READ_CONCURRENCY, mapConcurrent } from "./concurrent.js";
import { emptyTorchDocument, type StorageRef, type TorchDocument } from "./types.js";
import { sniffLegacy } from "./sniff.js";

export { sniffLegacy };

/** torch/serialization.py MAGIC_NUMBER and PROTOCOL_VERSION. */
export const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
export const LEGACY_PROTOCOL = 1001;
/** magic, protocol version, sys_info, the object, the storage keys. */
const LEGACY_PICKLES = 5;
/** Longest storage-key list read whole (CWE-770): about 20 bytes per storage. */
const MAX_KEY_LIST_BYTES = 64 * 1024 * 1024;
const STREAM_NAMES = ["magic number", "protocol version", "sys_info", "object", "storage keys"];

/**
 * Reads a legacy checkpoint the way `torch.serialization._legacy_load` does: five pickles, then
 * for each key of the fifth, in order, an 8-byte little-endian element count and that many
 * elements of the storage's type (`_set_from_file`). Every pickle is scanned whatever the magic
 * number turns out to be; the raw storages are skipped by their recorded sizes (8 bytes read
 * each) and whatever follows the last one is reported and sniffed.
 *
 * @example
 * const analysis = await analyzeLegacy(source, ctx); // formats pytorch-legacy + pytorch-legacy-layout
 */
export async function analyzeLegacy(source: ByteSource, ctx: ScanContext): Promise<FormatAnalysis | undefined> {
  const options = { limits: ctx.limits, now: ctx.now, deadline: ctx.deadline };
  // The five pickles one by one: the raw storages after them are not a place to look for
  // hidden streams (torch never unpickles them), only to skip.
  const seq = emptyDocument();
  let pos = 0;
  let failed = false;
  for (let i = 0; i < LEGACY_PICKLES && pos < source.size; i++) {
    const r = await pickleAt(source, seq, pos, options);
    if (!r.ok) {
      failed = true;
      break;
    }
    pos = r.end;
  }
  if (!looksLegacy(seq)) return undefined;
  const streams = seq.streams;
  const doc = emptyTorchDocument("pytorch-legacy-layout", "legacy");
  doc.pickles = [""];
  checkPreamble(doc, seq, streams);
  readIds(doc, seq, streams[3]);
  // A broken stream (or a FRAME violation) gets the generic treatment: a loader ran everything
  // before the break, and hidden streams may follow it.
  const suspect = failed || seq.defects.some((d) => d.code === "pickle-frame-violation");
  const pickle = resolveModulePids(suspect ? await parsePickle(source, options) : seq);
  const analysis = pickleAnalysis(pickle, source, "pytorch-legacy");
  const complete = seq.results.length;
  if (complete < LEGACY_PICKLES) {
    doc.layoutProblems.push({ code: "missing-pickles", message: `Only ${complete} of the ${LEGACY_PICKLES} legacy pickles (${STREAM_NAMES.join(", ")}) are complete`, offset: pos });
  } else {
    const end = await walkStorages(doc, source, streams[4] as StreamInfo, ctx);
    if (end === "timeout") {
      analysis.defects = [...analysis.defects, defect("timeout", "Timed out walking the raw storages of a legacy checkpoint", { limit: "maxMillisPerFile" })];
      analysis.also = [{ format: "pytorch-legacy-layout", document: doc }];
      return analysis;
    }
    const rest = end ?? pos;
    if (rest < source.size) {
      if (end !== undefined) doc.layoutProblems.push({ code: "leftover", message: `${source.size - end} bytes follow the last storage (offset ${end}); torch.load never reads them`, offset: end });
      analysis.members = [...(analysis.members ?? []), { path: `${end !== undefined ? "trailing" : "storages"}@${rest}`, source: source.slice(rest, source.size - rest), speculative: true }];
    }
  }
  analysis.also = [{ format: "pytorch-legacy-layout", document: doc }];
  return analysis;
}

/** A legacy file by its values: the right magic, the protocol version, or a sys_info dict. */
function looksLegacy(pickle: PickleDocument): boolean {
  const [magic, protocol, sysInfo] = pickle.results;
  if (magic === LEGACY_MAGIC || protocol === LEGACY_PROTOCOL) return true;
  return sysInfo !== undefined && isObj(sysInfo) && sysInfo.k === K.Dict && sysInfo.pairs.includes("protocol_version");
}

/** The magic number and protocol version must be plain literals in pickles that do nothing else. */
function checkPreamble(doc: TorchDocument, pickle: PickleDocument, streams: StreamInfo[]): void {
  const checks: { index: number; want: bigint | number; code: "magic-not-literal" | "protocol-not-literal" }[] = [
    { index: 0, want: LEGACY_MAGIC, code: "magic-not-literal" },
    { index: 1, want: LEGACY_PROTOCOL, code: "protocol-not-literal" },
  ];
  for (const { index, want, code } of checks) {
    const stream = streams[index];
    if (!stream) continue;
    const value = pickle.results[index] ?? null;
    const imports = pickle.imports.filter((imp) => imp.offset >= stream.start && imp.offset < stream.end);
    const name = STREAM_NAMES[index] as string;
    if (imports.length > 0 || (typeof value !== "bigint" && typeof value !== "number")) {
      const via = imports.map((imp) => `${imp.module}.${imp.name}`).join(", ");
      doc.layoutProblems.push({
        code,
        message: `The ${name} pickle is not a plain integer: it ${imports.length > 0 ? `imports ${via}` : "builds a value"} and yields ${render(value, 80)}; torch.load runs it before checking`,
        offset: stream.start,
        evidence: render(value, 160),
      });
    } else if (BigInt(value) !== BigInt(want)) {
      doc.layoutProblems.push({ code: "magic-mismatch", message: `The ${name} is ${String(value)}, not ${String(want)}; torch.load refuses the file after running the pickle`, offset: stream.start });
    }
  }
}

/** Storage and module ids of the object pickle; an id anywhere else makes Python's pickle raise. */
function readIds(doc: TorchDocument, pickle: PickleDocument, object: StreamInfo | undefined): void {
  for (const m of tensorMutations(pickle, "")) doc.mutations.push(m);
  for (const pid of pickle.persistentIds) {
    const inObject = object !== undefined && pid.offset >= object.start && pid.offset < object.end;
    const reading = readPersistentId(pid, "", "legacy");
    if (!inObject) {
      doc.oddIds.push({ pickle: "", offset: pid.offset, text: render(pid.pid, 160), reason: "persistent id outside the object pickle (no persistent_load there)" });
    } else if (reading.kind === "odd") doc.oddIds.push(reading.odd);
    else if (reading.kind === "storage") doc.storages.push(reading.ref);
  }
}

/**
 * Skips the raw storages in key order, reading only each 8-byte count. Returns where the last
 * one ends, undefined when the walk could not finish (reported), or "timeout".
 */
async function walkStorages(doc: TorchDocument, source: ByteSource, keysStream: StreamInfo, ctx: ScanContext): Promise<number | undefined | "timeout"> {
  const length = keysStream.end - keysStream.start;
  if (length > MAX_KEY_LIST_BYTES) {
    doc.layoutProblems.push({ code: "keys-unreadable", message: `Storage key list of ${length} bytes is longer than ${MAX_KEY_LIST_BYTES}; storages not checked`, offset: keysStream.start });
    return undefined;
  }
  const list = readKeyList(await source.read(keysStream.start, length), keysStream.start);
  if (!list.ok) {
    doc.layoutProblems.push({ code: "keys-unreadable", message: `The storage keys pickle is not a plain list of strings (${list.error}); torch.load fails on it`, offset: list.offset });
    return undefined;
  }
  const roots = new Map(doc.storages.map((ref) => [ref.key, ref]));
  const counts = await prefetchCounts(source, list.keys, roots, keysStream.end);
  let pos = keysStream.end;
  for (const [i, key] of list.keys.entries()) {
    if ((i & 0x3ff) === 0x3ff && ctx.now() > ctx.deadline) return "timeout";
    const ref = roots.get(key);
    if (ref?.elementSize === undefined) {
      const why = ref ? `has an unknown type ${ref.storageType}` : "is not declared by any persistent id (torch asserts it is)";
      doc.layoutProblems.push({ code: "storage-unknown-type", message: `Storage key "${key}" ${why}; the storages after offset ${pos} cannot be walked`, offset: pos });
      return undefined;
    }
    if (pos + 8 > source.size) {
      doc.layoutProblems.push({ code: "storage-truncated", message: `File ends before the size of storage "${key}" (offset ${pos})`, offset: pos });
      return undefined;
    }
    const count = counts.get(pos) ?? (await readCount(source, pos));
    const bytes = count * ref.elementSize;
    if (!Number.isSafeInteger(bytes) || pos + 8 + bytes > source.size) {
      doc.layoutProblems.push({ code: "storage-truncated", message: `Storage "${key}" records ${count} elements (${bytes} bytes) at offset ${pos}, past the end of the file`, offset: pos });
      return undefined;
    }
    if (ref.numel !== undefined && count !== ref.numel) {
      doc.layoutProblems.push({
        code: "count-mismatch",
        message: `Storage "${key}" is declared with ${ref.numel} elements but its data records ${count}; torch.load refuses it ("storage has wrong byte size")`,
        offset: pos,
        evidence: `${ref.storageType}, pid at offset ${ref.offset}`,
      });
    }
    pos += 8 + bytes;
  }
  return pos;
}

/** _legacy_save: storage._write_file(f, ..., save_size=True, element_size) writes an int64 count first. */
async function readCount(source: ByteSource, at: number): Promise<number> {
  const header = await source.read(at, 8);
  const view = new DataView(header.buffer, header.byteOffset, 8);
  return view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
}

/**
 * The counts where the persistent ids say they are, read in parallel. The walk still checks each
 * one in order and reads any count at an offset this did not predict.
 */
async function prefetchCounts(source: ByteSource, keys: readonly string[], roots: Map<string, StorageRef>, start: number): Promise<Map<number, number>> {
  const offsets: number[] = [];
  let pos = start;
  for (const key of keys) {
    const ref = roots.get(key);
    if (ref?.elementSize === undefined || ref.numel === undefined || pos + 8 > source.size) break;
    offsets.push(pos);
    pos += 8 + ref.numel * ref.elementSize;
  }
  const counts = await mapConcurrent(offsets, READ_CONCURRENCY, (at) => readCount(source, at));
  return new Map(offsets.map((at, i) => [at, counts[i] as number]));
}
