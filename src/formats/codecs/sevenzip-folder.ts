/**
 * Decoding one 7z folder: a chain of one-in/one-out coders ending in a decompressor that reads
 * the folder's packed stream. Supported: Copy, LZMA, LZMA2, BZip2, Deflate (fflate), with x86
 * BCJ and Delta filters after them. AES is reported as encrypted; BCJ2, PPMd, Deflate64 and the
 * other branch filters as unsupported.
 */
import { Inflate } from "fflate";
import type { ByteSource } from "../../core/byte-source.js";
import { decodeBzip2Streams } from "./bzip2.js";
import { BcjX86Filter, DeltaFilter, FilteredSink, type ByteFilter } from "./filters.js";
import { SourceReader } from "./input.js";
import { INPUT_CHUNK_BYTES } from "./limits.js";
import { decodeLzma1, dictProblem, parseLzmaProps } from "./lzma.js";
import { decodeLzma2, lzma2Props } from "./lzma2.js";
import type { OutputSink } from "./output.js";
import type { SevenZipCoder, SevenZipFolder } from "./sevenzip-header.js";
import type { CodecDefect, CodecNote } from "./types.js";

const AES = "06f10701";
const COPY = "00";
const LZMA = "030101";
const LZMA2 = "21";
const BZIP2 = "040202";
const DEFLATE = "040108";
const BCJ = "03030103";
const DELTA = "03";
const DECOMPRESSORS = new Set([COPY, LZMA, LZMA2, BZIP2, DEFLATE]);
const FILTERS = new Set([BCJ, DELTA]);
/** Deflate input per push: fflate emits a push's output at once, so this bounds the overshoot past a cap to about 1032x it (CWE-409). */
const DEFLATE_INPUT_CHUNK_BYTES = 16 * 1024;

/** How a folder decodes: a decompressor on the packed stream, then filters in order. */
export interface FolderPlan {
  decompressor: SevenZipCoder;
  filters: SevenZipCoder[];
}

/** The coder chain of a folder, or why it cannot be decoded. */
export function planFolder(folder: SevenZipFolder): FolderPlan | CodecDefect {
  const methods = folder.coders.map((c) => c.method).join(" + ");
  if (folder.coders.some((c) => c.id === AES)) return { code: "encrypted", message: `7z folder is encrypted (${methods}); its files cannot be scanned` };
  if (folder.coders.some((c) => c.numIn !== 1 || c.numOut !== 1) || folder.packedStreams.length !== 1) {
    return { code: "unsupported", message: `7z folder uses ${methods}, a coder with several streams, which is not supported` };
  }
  // Every coder has one input and one output, so coder k owns input k and output k.
  const chain: number[] = [];
  let coder = folder.mainOut;
  for (;;) {
    if (chain.includes(coder) || chain.length >= folder.coders.length) return { code: "corrupt", message: "7z folder coders are bound in a loop" };
    chain.push(coder);
    const bind = folder.bindPairs.find((bp) => bp.inIndex === coder);
    if (!bind) break;
    coder = bind.outIndex;
  }
  if (chain.length !== folder.coders.length || chain[chain.length - 1] !== folder.packedStreams[0]) {
    return { code: "corrupt", message: `7z folder coders (${methods}) do not form one chain from the packed stream` };
  }
  const order = chain.reverse().map((k) => folder.coders[k]!);
  const first = order[0]!;
  const rest = order.slice(1);
  for (const c of [first, ...rest]) {
    if (!DECOMPRESSORS.has(c.id) && !FILTERS.has(c.id)) return { code: "unsupported", message: `7z method ${c.method} is not supported (folder: ${methods})` };
  }
  for (const c of rest) if (!FILTERS.has(c.id)) return { code: "unsupported", message: `7z chain ${methods} applies ${c.method} after another coder, which is not supported` };
  if (FILTERS.has(first.id)) return { decompressor: { id: COPY, method: "Copy", numIn: 1, numOut: 1, props: new Uint8Array(0) }, filters: [first, ...rest] };
  return { decompressor: first, filters: rest };
}

function makeFilter(c: SevenZipCoder): ByteFilter {
  if (c.id === DELTA) return new DeltaFilter((c.props[0] ?? 0) + 1);
  const start = c.props.length >= 4 ? (c.props[0]! | (c.props[1]! << 8) | (c.props[2]! << 16) | (c.props[3]! << 24)) >>> 0 : 0;
  return new BcjX86Filter(start);
}

/** Counts what reaches the caller's sink. */
class CountingSink implements OutputSink {
  bytes = 0;
  constructor(private readonly inner: OutputSink) {}
  get room(): number {
    return this.inner.room;
  }
  get windowCap(): number {
    return this.inner.windowCap;
  }
  emit(chunk: Uint8Array): boolean {
    this.bytes += chunk.length;
    return this.inner.emit(chunk);
  }
  expired(offset: number): CodecDefect | undefined {
    return this.inner.expired(offset);
  }
}

export interface FolderDecodeResult {
  status: "done" | "stopped" | "failed";
  defect?: CodecDefect;
}

/**
 * Decodes a folder whose packed stream is `packSize` bytes at `packOffset` into `sink`, and checks
 * the output length against the folder's declared size.
 *
 * @example
 * const r = await decodeFolder(source, folder, { packOffset: 32, packSize: 55, sink: new Output(ctl), notes: [] });
 */
export async function decodeFolder(source: ByteSource, folder: SevenZipFolder, { packOffset, packSize, sink, notes }: { packOffset: number; packSize: number; sink: OutputSink; notes: CodecNote[] }): Promise<FolderDecodeResult> {
  const plan = planFolder(folder);
  if ("code" in plan) return { status: "failed", defect: { ...plan, offset: packOffset } };
  const counted = new CountingSink(sink);
  const filtered = plan.filters.length > 0 ? new FilteredSink(counted, plan.filters.map(makeFilter)) : undefined;
  const target: OutputSink = filtered ?? counted;
  const end = Math.min(source.size, packOffset + packSize);
  const reader = new SourceReader(source, Math.min(packOffset, source.size), end);
  const declared = folder.unpackSizes[folder.mainOut]!;
  const r = await runDecompressor(plan.decompressor, reader, { out: target, declared, notes });
  if (r.status !== "done") {
    if (r.status === "failed" && end < packOffset + packSize && r.defect) r.defect = { ...r.defect, code: "truncated", message: `${r.defect.message} (the packed stream runs past the end of the file)` };
    return r;
  }
  if (filtered && !filtered.finish()) return { status: "stopped" };
  if (counted.bytes !== declared) {
    return { status: "failed", defect: { code: "corrupt", message: `7z folder decodes to ${counted.bytes} bytes, its header says ${declared}`, offset: packOffset } };
  }
  return { status: "done" };
}

async function runDecompressor(coder: SevenZipCoder, reader: SourceReader, { out, declared, notes }: { out: OutputSink; declared: number; notes: CodecNote[] }): Promise<FolderDecodeResult> {
  const at = reader.position;
  switch (coder.id) {
    case COPY:
      return copy(reader, { out, declared });
    case LZMA: {
      const props = coder.props.length === 5 ? parseLzmaProps(coder.props[0]!) : undefined;
      if (!props) return { status: "failed", defect: { code: "corrupt", message: "7z LZMA coder properties are not a valid 5-byte LZMA header", offset: at } };
      const dictSize = (coder.props[1]! | (coder.props[2]! << 8) | (coder.props[3]! << 16) | (coder.props[4]! << 24)) >>> 0;
      const tooBig = dictProblem(dictSize, at);
      if (tooBig) return { status: "failed", defect: tooBig };
      const r = await decodeLzma1(reader, out, { props, dictSize, unpackSize: declared });
      return r.defect ? { status: r.status, defect: r.defect } : { status: r.status };
    }
    case LZMA2: {
      if (coder.props.length !== 1) return { status: "failed", defect: { code: "corrupt", message: "7z LZMA2 coder properties are not one byte", offset: at } };
      const p = lzma2Props(coder.props[0]!, at);
      if ("defect" in p) return { status: "failed", defect: p.defect };
      return decodeLzma2(reader, out, { dictSize: p.dictSize, sizeHint: declared });
    }
    case BZIP2: {
      const r = await decodeBzip2Streams(reader, out);
      notes.push(...r.notes);
      return r.defect ? { status: r.status, defect: r.defect } : { status: r.status };
    }
    default:
      return inflate(reader, out);
  }
}

async function copy(reader: SourceReader, { out, declared }: { out: OutputSink; declared: number }): Promise<FolderDecodeResult> {
  let left = declared;
  while (left > 0) {
    const late = out.expired(reader.position);
    if (late) return { status: "failed", defect: late };
    const want = Math.min(left, INPUT_CHUNK_BYTES, out.room);
    if (want === 0) return { status: "stopped" };
    const chunk = await reader.takeUpTo(want);
    if (chunk.length === 0) return { status: "failed", defect: { code: "truncated", message: `7z stored data ends ${left} bytes early`, offset: reader.position } };
    left -= chunk.length;
    if (!out.emit(chunk)) return { status: "stopped" };
  }
  return { status: "done" };
}

/** Thrown from fflate's callback to abort a push once the sink says stop; caught below. */
const STOP = Symbol("stop");

async function inflate(reader: SourceReader, out: OutputSink): Promise<FolderDecodeResult> {
  const inf = new Inflate((data) => {
    if (!out.emit(data)) throw STOP;
  });
  for (;;) {
    const late = out.expired(reader.position);
    if (late) return { status: "failed", defect: late };
    const at = reader.position;
    const chunk = await reader.takeUpTo(DEFLATE_INPUT_CHUNK_BYTES);
    const final = reader.remaining === 0;
    try {
      inf.push(chunk, final);
    } catch (error) {
      if (error === STOP) return { status: "stopped" };
      const message = error instanceof Error ? error.message : String(error);
      return { status: "failed", defect: { code: /EOF|end/i.test(message) ? "truncated" : "corrupt", message: `7z Deflate data is invalid: ${message}`, offset: at } };
    }
    if (final) return { status: "done" };
  }
}
