import { MemorySource } from "../../core/byte-source.js";
import type { FormatAnalysis, FormatHandler, Member } from "../../core/handler.js";
import type { HandlerPolicy } from "../../core/handler.js";
import { joblibHooks } from "../joblib/array-wrapper.js";
import { parsePickle } from "./parse.js";
import { MAX_CLAIMED_PROTOCOL, pickleSniffer } from "./sniff.js";
import type { PickleDocument } from "./types.js";
import { K, isObj, type BytesValue, type PyValue } from "./values.js";

/** Bytes arguments of calls shorter than this are not worth a nested scan. */
const MIN_NESTED_BYTES = 8;

/** Raw pickle streams of every protocol (sniffed in `sniff.ts`), parsed by the symbolic VM. */
export const pickleHandler: FormatHandler = {
  ...pickleSniffer,
  async analyze(source, ctx): Promise<FormatAnalysis | undefined> {
    const head = await source.read(0, Math.min(2, source.size));
    const strong = head[0] === 0x80 && (head[1] ?? 0xff) <= MAX_CLAIMED_PROTOCOL;
    const options = { limits: ctx.limits, now: ctx.now, deadline: ctx.deadline, hooks: joblibHooks };
    const doc = await parsePickle(source, strong ? options : { ...options, trial: true });
    if (!strong && !doc.convincing && !importsDanger(doc, ctx.policy) && !importsModule(doc)) return undefined;
    return pickleAnalysis(doc, source);
  },
};

/** Shared by formats that wrap pickles (torch, joblib): members and notes of a parsed stream. */
export function pickleAnalysis(doc: PickleDocument, source: Parameters<FormatHandler["analyze"]>[0], format = "pickle"): FormatAnalysis {
  const members: Member[] = [];
  const notes: string[] = [];
  const seen = new Set<number>();
  const addEmbedded = (offset: number, length: number, label: string): void => {
    if (seen.has(offset) || offset + length > source.size || length < MIN_NESTED_BYTES) return;
    seen.add(offset);
    members.push({ path: `${label}@${offset}`, source: source.slice(offset, length), speculative: true });
  };
  for (const payload of doc.embedded) {
    if (payload.data) {
      members.push({ path: `encoded@${payload.offset}`, source: new MemorySource(payload.data), speculative: true });
    } else {
      addEmbedded(payload.offset, payload.length, "bytes");
    }
  }
  // Bytes handed to a call may be a nested pickle in protocol 0, which has no magic to spot.
  for (const group of doc.calls.values()) {
    for (const sample of group.samples) {
      for (const arg of bytesArgs(sample.site.args)) addEmbedded(arg.offset, arg.length, "bytes");
    }
  }
  if (doc.trailing) {
    notes.push(`${doc.trailing.length} bytes of trailing data after the last pickle (offset ${doc.trailing.offset}) were searched for hidden streams and sniffed as a file.`);
    members.push({ path: `trailing@${doc.trailing.offset}`, source: source.slice(doc.trailing.offset, doc.trailing.length), speculative: true });
  }
  // Limits that do not stop the scan still speak: they are in the report as notes.
  for (const d of doc.defects) {
    if (!d.fatal && (d.code === "limit-exceeded" || d.code === "pickle-defects-not-listed")) notes.push(d.limit ? `Limit ${d.limit} reached: ${d.message}` : d.message);
  }
  const hidden = doc.streams.filter((s) => s.speculative).length;
  if (hidden > 0) notes.push(`${hidden} fragment(s) after a parse error, FRAME violation or in trailing data were parsed as possible hidden pickles.`);
  return { format, document: doc, defects: doc.defects, members, notes };
}

/**
 * A protocol-0/1 stream that breaks before STOP is still a pickle if it imported something on the
 * denylist: loaders import (and often call) before they reach the broken byte.
 */
function importsDanger(doc: PickleDocument, policy: HandlerPolicy): boolean {
  return doc.imports.some((imp) => imp.resolved && policy.classifyGlobal(imp.module, imp.name).cls === "dangerous");
}

/** A module name the import system can find: dotted identifiers (Python allows non-ASCII letters). */
const MODULE_PATH = /^[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*$/u;

/**
 * CPython imports the module of every GLOBAL it reaches, even when the stream breaks right
 * after, and importing runs module code: a weak candidate that got that far is a pickle, not
 * text. Names that no module file can have (`os `, `a,b`) are left to the engine's checks.
 */
function importsModule(doc: PickleDocument): boolean {
  return doc.imports.some((imp) => imp.resolved && imp.module.length <= 1024 && MODULE_PATH.test(imp.module));
}

/** The bytes payloads among a call's arguments (the value itself, or the items of a tuple or list). */
function bytesArgs(value: PyValue): readonly BytesValue[] {
  if (!isObj(value)) return NONE;
  if (value.k === K.Bytes) return [value];
  if (value.k !== K.Tuple && value.k !== K.List) return NONE;
  let found: BytesValue[] | undefined;
  for (const item of value.items) if (isObj(item) && item.k === K.Bytes) (found ??= []).push(item);
  return found ?? NONE;
}
const NONE: readonly BytesValue[] = [];
