import { readHead, type ByteSource } from "../../core/byte-source.js";
import { defect, type Defect } from "../../core/defect.js";
import type { FormatAnalysis, FormatHandler, Member, ScanContext } from "../../core/handler.js";
import { JAVA_STREAM_MAGIC, startsWith } from "./grammar.js";
import { JAVA_MAX_STREAMS_PER_FILE, JAVA_SEARCH_MAX_BYTES } from "./limits.js";
import { isPlausibleStream } from "./plausible.js";
import { findJavaMagic, parseJavaStreamAt } from "./source-reads.js";
import { JAVA_CARRIER_FORMAT, JAVA_STREAM_FORMAT, javaSniffer } from "./sniff.js";
import type { JavaStreamDocument } from "./types.js";

export { JAVA_CARRIER_FORMAT, JAVA_STREAM_FORMAT };

/** What a carrier file holds: where the streams are. The streams are members. */
export interface JavaCarrierDocument {
  offsets: number[];
  searched: number;
}

/**
 * Java serialization streams (`AC ED 00 05`). A file that starts with the magic is a stream
 * (strong); a file whose head holds the magic later, or a zip member named like a blob, is
 * searched (weak): each plausible stream found becomes a member `java@<offset>`.
 *
 * @example
 * const analysis = await javaHandler.analyze(source, ctx); // format "java-serialized"
 */
export const javaHandler: FormatHandler = {
  ...javaSniffer,
  async analyze(source, ctx) {
    const head = await readHead(source, JAVA_STREAM_MAGIC.length);
    if (startsWith(head, 0, JAVA_STREAM_MAGIC)) return analyzeStream(source, ctx);
    return analyzeCarrier(source, ctx, JAVA_CARRIER_FORMAT);
  },
};

/** The parent format a stream was found in, skipping the Java carrier layer itself. */
function containerOf(ctx: ScanContext): string | undefined {
  return [...ctx.parents].reverse().find((p) => p !== JAVA_CARRIER_FORMAT && p !== JAVA_STREAM_FORMAT);
}

async function analyzeStream(source: ByteSource, ctx: ScanContext): Promise<FormatAnalysis> {
  const { document } = await parseJavaStreamAt(source, 0);
  const container = containerOf(ctx);
  if (container !== undefined) document.container = container;
  const members: Member[] = [];
  const notes: string[] = [];
  for (const nested of document.byteArrays) {
    if (nested.kind === "java-stream") members.push(streamMember(source, nested.offset));
  }
  const defects: Defect[] = [...document.defects];
  if (document.trailing && ctx.depth === 0) {
    // A standalone stream file: bytes after the stream are not read by ObjectInputStream.readObject,
    // but a loader calling it again would read them; look for more streams there.
    const search = await findJavaMagic(source, { from: document.trailing.offset, maxBytes: JAVA_SEARCH_MAX_BYTES, maxHits: JAVA_MAX_STREAMS_PER_FILE, now: ctx.now, deadline: ctx.deadline });
    for (const offset of search.offsets) members.push(streamMember(source, offset));
    notes.push(`${document.trailing.length} bytes after the Java stream (offset ${document.trailing.offset}) were searched for further streams; ${search.offsets.length} found.`);
    defects.push(defect("java-trailing-data", `Java stream ends at offset ${document.trailing.offset}; ${document.trailing.length} bytes follow`, { offset: document.trailing.offset, fatal: false }));
  }
  notes.push(describeStream(document));
  return { format: JAVA_STREAM_FORMAT, document, defects, members, notes };
}

/** A nested stream: scanned as its own member, speculative because it was found by search. */
export function streamMember(source: ByteSource, offset: number): Member {
  return { path: `java@${offset}`, source: source.slice(offset, source.size - offset), speculative: true, forceFormat: JAVA_STREAM_FORMAT };
}

export interface CarrierSearch {
  /** Offsets of plausible streams (each becomes a member). */
  offsets: number[];
  members: Member[];
  defects: Defect[];
  notes: string[];
  searched: number;
}

/**
 * Searches a file for Java streams and keeps those that parse plausibly. Used for files that
 * embed streams (H2O Iced models, MOJO blobs, unknown zip members).
 */
export async function searchCarrier(source: ByteSource, ctx: ScanContext, options: { label: string; from?: number }): Promise<CarrierSearch> {
  const { label, from = 0 } = options;
  const search = await findJavaMagic(source, { from, maxBytes: JAVA_SEARCH_MAX_BYTES, maxHits: JAVA_MAX_STREAMS_PER_FILE, now: ctx.now, deadline: ctx.deadline });
  const out: CarrierSearch = { offsets: [], members: [], defects: [], notes: [], searched: search.searched };
  let coveredUntil = -1;
  for (const offset of search.offsets) {
    if (offset < coveredUntil) continue; // inside a stream already found: that stream's member reports it
    const { document } = await parseJavaStreamAt(source, offset);
    if (!isPlausibleStream(document)) continue;
    coveredUntil = offset + document.length;
    out.offsets.push(offset);
    out.members.push(streamMember(source, offset));
  }
  if (out.offsets.length > 0) {
    const classes = out.offsets.length === 1 ? "stream" : "streams";
    out.notes.push(`${label} carries ${out.offsets.length} Java serialization ${classes} at offset(s) ${out.offsets.join(", ")}; each was parsed (never deserialized) as member java@<offset>.`);
  }
  if (search.moreHits) out.notes.push(`More than ${JAVA_MAX_STREAMS_PER_FILE} Java stream magics in ${label}; only the first ${JAVA_MAX_STREAMS_PER_FILE} were examined.`);
  if (search.stoppedBy === "bytes") {
    out.defects.push(defect("limit-exceeded", `Java stream search stopped after ${search.searched} bytes of ${label}`, { limit: "JAVA_SEARCH_MAX_BYTES" }));
  } else if (search.stoppedBy === "deadline") {
    out.defects.push(defect("timeout", `Java stream search of ${label} ran out of time after ${search.searched} bytes`));
  }
  return out;
}

async function analyzeCarrier(source: ByteSource, ctx: ScanContext, format: string): Promise<FormatAnalysis | undefined> {
  const found = await searchCarrier(source, ctx, { label: "File" });
  if (found.offsets.length === 0) return undefined;
  const document: JavaCarrierDocument = { offsets: found.offsets, searched: found.searched };
  return { format, document, defects: found.defects, members: found.members, notes: found.notes };
}

function describeStream(doc: JavaStreamDocument): string {
  const names = doc.classes.map((c) => c.name);
  const shown = names.slice(0, 12).join(", ");
  const more = names.length > 12 ? `, … (${names.length} in all)` : "";
  return `Java serialization stream (${doc.length} bytes, ${doc.objects} object(s)); classes: ${shown || "none"}${more}.`;
}
