import { MemorySource, type ByteSource } from "../../core/byte-source.js";
import { defect, type Defect } from "../../core/defect.js";
import type { FormatAnalysis, FormatHandler, Member, ScanContext } from "../../core/handler.js";
import { extractFolder, readSevenZip, type SevenZipArchive, type SevenZipFileInfo } from "../codecs/sevenzip.js";
import { outputCap } from "./bounded-decode.js";
import { PathNamer } from "../zip/path-namer.js";
import { ChunkCollector } from "./chunk-collector.js";
import { recordDefect } from "./codec-wrapper.js";
import { MAX_MEMBER_OUTPUT_BYTES } from "./limits.js";
import { sevenZipSniffer } from "./sniff.js";
import type { CompressedDocument, SevenZipEntry, SevenZipListing } from "./types.js";

/** Unix file type bits (st_mode) in the high half of 7z attributes (p7zip's FILE_ATTRIBUTE_UNIX_EXTENSION). */
const UNIX_EXTENSION = 0x8000;
const WINDOWS_DIRECTORY = 0x10;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
/** Symlink targets longer than this are not decoded into the listing (PATH_MAX). */
const MAX_LINK_TARGET_BYTES = 4096;

/**
 * 7z archives (the nullifAI wrapper): the header (LZMA/LZMA2-encoded or plain) is listed and
 * every file with data becomes a member named by its path in the archive, decoded folder by
 * folder under the shared caps. Encrypted headers or folders fail closed as `encrypted`.
 *
 * @example
 * const analysis = await sevenZipHandler.analyze(source, ctx); // members "data.pkl", ...
 */
export const sevenZipHandler: FormatHandler = {
  ...sevenZipSniffer,
  analyze: (source, ctx) => analyzeSevenZip(source, ctx),
};

async function analyzeSevenZip(source: ByteSource, ctx: ScanContext): Promise<FormatAnalysis> {
  const doc: CompressedDocument = { container: "7z", size: source.size, anomalies: [] };
  const defects: Defect[] = [];
  const members: Member[] = [];
  const read = await readSevenZip(source, { now: () => ctx.now(), deadline: ctx.deadline });
  if (!read.ok) {
    const v = read.partial.version;
    doc.sevenZip = { version: v ? `${v.major}.${v.minor}` : "", headerMethods: read.partial.headerMethods ?? [], headerEncrypted: read.defect.code === "encrypted", folders: [], entries: [] };
    recordDefect(doc, read.defect, { prefix: "Cannot read 7z archive", defects });
    return { format: "7z", document: doc, defects, members };
  }
  const a = read.archive;
  const listing = listArchive(a);
  doc.sevenZip = listing;
  doc.streams = a.folders.length;
  if (a.trailingBytes > 0) {
    const at = a.headerOffset + a.headerSize;
    doc.anomalies.push({ code: "appended-data", message: `${a.trailingBytes} bytes after the 7z header belong to no file`, offset: at });
  }
  const extractor = new FolderExtractor(source, ctx, a, listing.entries, { doc, defects, members });
  for (let f = 0; f < a.folders.length; f++) await extractor.extract(f);
  for (const note of extractor.notes) if (note.code === "appended-data") doc.anomalies.push({ code: "appended-data", message: note.message });
  doc.outputBytes = extractor.kept;
  return { format: "7z", document: doc, defects, members };
}

function listArchive(a: SevenZipArchive): SevenZipListing {
  return {
    version: `${a.version.major}.${a.version.minor}`,
    headerMethods: a.headerMethods,
    headerEncrypted: false,
    folders: a.folders.map((f) => ({
      methods: f.coders.map((c) => c.method),
      packSize: a.packSizes[f.firstPackStream] ?? 0,
      unpackSize: f.unpackSizes[f.mainOut] ?? 0,
      files: f.substreams.length,
    })),
    entries: a.files.map((f) => toEntry(f, a)),
  };
}

function toEntry(f: SevenZipFileInfo, a: SevenZipArchive): SevenZipEntry {
  const folder = f.folder === undefined ? undefined : a.folders[f.folder];
  const offset = folder ? (a.packOffsets[folder.firstPackStream] ?? a.headerOffset) : a.headerOffset;
  const e: SevenZipEntry = { id: f.index, name: f.name, kind: "file", size: f.size, offset, crc: f.hasStream ? "not-checked" : "none" };
  if (f.attributes !== undefined) {
    e.attributes = f.attributes;
    if (f.attributes & UNIX_EXTENSION) e.unixMode = f.attributes >>> 16;
  }
  const type = (e.unixMode ?? 0) & S_IFMT;
  if (f.isAnti) e.kind = "anti";
  else if (!f.hasStream && (f.isDirectory || type === S_IFDIR || (f.attributes ?? 0) & WINDOWS_DIRECTORY)) e.kind = "directory";
  else if (type === S_IFLNK) e.kind = "symlink";
  if (f.folder !== undefined) e.folder = f.folder;
  return e;
}

/** Decodes folders and turns their substreams into members, keeping the caps and the budget. */
class FolderExtractor {
  kept = 0;
  readonly notes: { code: string; message: string }[] = [];
  private readonly paths = new PathNamer();
  /** Entries by folder and substream. */
  private readonly bySubstream = new Map<string, SevenZipEntry>();

  constructor(
    private readonly source: ByteSource,
    private readonly ctx: ScanContext,
    private readonly archive: SevenZipArchive,
    entries: SevenZipEntry[],
    private readonly out: { doc: CompressedDocument; defects: Defect[]; members: Member[] },
  ) {
    archive.files.forEach((f, i) => {
      if (f.folder !== undefined && f.substream !== undefined) this.bySubstream.set(`${f.folder}:${f.substream}`, entries[i]!);
    });
  }

  async extract(f: number): Promise<void> {
    const { ctx, archive, out } = this;
    const folder = archive.folders[f]!;
    const entries = folder.substreams.map((_, k) => this.bySubstream.get(`${f}:${k}`));
    const remaining = Math.max(0, ctx.limits.maxInflatedBytes - ctx.budget.inflatedBytes);
    const packSize = archive.packSizes[folder.firstPackStream] ?? 0;
    const { cap, reason } = outputCap(packSize, remaining);
    const parts = new Map<number, ChunkCollector>();
    const ended = new Set<number>();
    // The decoder passes cap + 1 bytes so a bomb is told from an exact fit; the extra byte is not kept.
    let seen = 0;
    const r = await extractFolder(this.source, archive, {
      folder: f,
      maxOutput: cap,
      now: () => ctx.now(),
      deadline: ctx.deadline,
      handler: {
        onData: (k, chunk) => {
          let c = parts.get(k);
          if (!c) parts.set(k, (c = new ChunkCollector(MAX_MEMBER_OUTPUT_BYTES)));
          const room = cap - seen;
          seen += chunk.length;
          c.push(chunk.length > room ? chunk.subarray(0, Math.max(0, room)) : chunk);
          return seen <= cap;
        },
        onEnd: (k, crcOk) => {
          ended.add(k);
          this.finish(entries[k], parts.get(k), crcOk, false);
          parts.delete(k);
        },
      },
    });
    ctx.budget.inflatedBytes += Math.min(r.produced, cap);
    this.notes.push(...r.notes);
    if (r.status === "done") return;
    // The substream being decoded when the folder stopped keeps its prefix as a guess.
    for (const [k, c] of parts) if (!ended.has(k)) this.finish(entries[k], c, undefined, true);
    const names = entries.filter((e, k) => e && !ended.has(k) && !parts.has(k)).map((e) => e!.name);
    let why: string;
    if (r.status === "stopped") {
      const code = reason === "ratio" ? "compression-ratio" : "output-limit";
      const what = `7z folder ${f} expands past ${cap} bytes from ${packSize} compressed`;
      out.doc.anomalies.push({ code, message: what.charAt(0).toUpperCase() + what.slice(1), offset: archive.packOffsets[folder.firstPackStream] ?? 0 });
      out.defects.push(defect("limit-exceeded", `Not decompressed beyond ${cap} bytes: the ${what}`, { limit: code === "compression-ratio" ? "MAX_COMPRESSION_RATIO" : "maxInflatedBytes" }));
      why = `not decoded: its folder passed the ${code === "compression-ratio" ? "compression ratio" : "byte budget"} cap`;
    } else {
      const d = r.defect!;
      const listed = names.length > 0 ? ` (${names.length} file${names.length === 1 ? "" : "s"} not scanned: ${names.slice(0, 5).map((n) => JSON.stringify(n)).join(", ")}${names.length > 5 ? ", ..." : ""})` : "";
      recordDefect(out.doc, d, { prefix: `Cannot extract 7z folder ${f}${listed}`, defects: out.defects });
      why = d.message;
    }
    entries.forEach((e, k) => {
      if (e && !ended.has(k) && e.memberPath === undefined) e.notScanned = why;
    });
  }

  /** Records a substream's outcome on its entry and hands its bytes on as a member. */
  private finish(entry: SevenZipEntry | undefined, c: ChunkCollector | undefined, crcOk: boolean | undefined, partial: boolean): void {
    if (!entry) return;
    const { doc, defects, members } = this.out;
    const bytes = c ? c.bytes() : new Uint8Array(0);
    if (!partial) entry.crc = crcOk === undefined ? "none" : crcOk ? "match" : "mismatch";
    if (crcOk === false) {
      const message = `7z file ${JSON.stringify(entry.name)} does not match its CRC-32`;
      doc.anomalies.push({ code: "crc-mismatch", message, offset: entry.offset });
      defects.push(defect("crc-mismatch", `${message}: 7-Zip extracts it with an error, other readers refuse it`, { offset: entry.offset }));
    }
    if (entry.kind === "symlink") {
      if (!partial && bytes.length <= MAX_LINK_TARGET_BYTES) entry.linkTarget = new TextDecoder().decode(bytes);
      return;
    }
    if (c?.capped) {
      const message = `7z file ${JSON.stringify(entry.name)} expands past ${MAX_MEMBER_OUTPUT_BYTES} bytes`;
      doc.anomalies.push({ code: "output-limit", message, offset: entry.offset });
      defects.push(defect("limit-exceeded", `Not decompressed beyond ${MAX_MEMBER_OUTPUT_BYTES} bytes: ${message}`, { limit: "MAX_MEMBER_OUTPUT_BYTES" }));
    }
    if (bytes.length === 0) return;
    const path = this.uniquePath(entry);
    entry.memberPath = path;
    this.kept += bytes.length;
    const speculative = partial || c?.capped === true;
    members.push(speculative ? { path, source: new MemorySource(bytes), speculative } : { path, source: new MemorySource(bytes) });
  }

  /** The entry's name as its member path; duplicates get `#2`, `#3`... so every copy is scanned (linear in copies, see PathNamer). */
  private uniquePath(entry: SevenZipEntry): string {
    return this.paths.next(entry.name === "" ? `#file${entry.id}` : entry.name, entry.id);
  }
}
