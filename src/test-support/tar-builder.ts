/** One entry of a test tar archive; every field a hostile archive plays with can be set. */
export interface TarBuildEntry {
  name: string;
  data?: Uint8Array | string;
  /** Typeflag character: "0" file (default), "5" directory, "2" symlink, "1" hardlink, "3"/"4" devices, "6" FIFO… */
  type?: string;
  linkName?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  /** ustar prefix field (names longer than 100 bytes). */
  prefix?: string;
  /** Header dialect (default "ustar"). */
  format?: "ustar" | "gnu" | "v7";
  /** Emit the name (and link name) through a GNU `././@LongLink` record or a PAX header. */
  longName?: "gnu" | "pax";
  /** Extra PAX records for this entry (`path`, `linkpath`, `size`…). */
  pax?: Record<string, string>;
  /** Size written in the header instead of the data length. */
  size?: number;
  /** Write a wrong checksum. */
  badChecksum?: boolean;
}

export interface TarBuildOptions {
  /** Entries written after the end-of-archive blocks (seen only with tar -i / ignore_zeros). */
  afterEnd?: readonly TarBuildEntry[];
  /** Bytes after everything. */
  append?: Uint8Array | string;
  /** Leave out the two zero blocks. */
  noEnd?: boolean;
}

const enc = new TextEncoder();
const BLOCK = 512;
const bytesOf = (v: Uint8Array | string | undefined): Uint8Array => (typeof v === "string" ? enc.encode(v) : (v ?? new Uint8Array(0)));

function put(b: Uint8Array, at: number, len: number, value: string | Uint8Array): void {
  b.set(bytesOf(value).subarray(0, len), at);
}

function octal(b: Uint8Array, at: number, len: number, value: number): void {
  put(b, at, len, value.toString(8).padStart(len - 1, "0") + "\0");
}

/** A 512-byte header (POSIX ustar field layout; GNU magic "ustar  \0"; v7 no magic). */
function header(e: { name: string; type: string; size: number; linkName?: string; mode?: number; uid?: number; gid?: number; prefix?: string; format?: string; badChecksum?: boolean }): Uint8Array {
  const b = new Uint8Array(BLOCK);
  put(b, 0, 100, e.name);
  octal(b, 100, 8, e.mode ?? 0o644);
  octal(b, 108, 8, e.uid ?? 0);
  octal(b, 116, 8, e.gid ?? 0);
  octal(b, 124, 12, e.size);
  octal(b, 136, 12, 0);
  b[156] = e.type.charCodeAt(0);
  put(b, 157, 100, e.linkName ?? "");
  if (e.format === "gnu") put(b, 257, 8, "ustar  \0");
  else if (e.format !== "v7") {
    put(b, 257, 6, "ustar\0");
    put(b, 263, 2, "00");
    put(b, 345, 155, e.prefix ?? "");
  }
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  put(b, 148, 8, (sum + (e.badChecksum ? 1 : 0)).toString(8).padStart(6, "0") + "\0 ");
  return b;
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
  out.set(data);
  return out;
}

function paxRecords(records: Record<string, string>): Uint8Array {
  let text = "";
  for (const [k, v] of Object.entries(records)) {
    const body = ` ${k}=${v}\n`;
    let len = enc.encode(body).length + 1;
    while (String(len).length + enc.encode(body).length !== len) len++;
    text += `${len}${body}`;
  }
  return enc.encode(text);
}

function entryBlocks(e: TarBuildEntry): Uint8Array[] {
  const data = bytesOf(e.data);
  const type = e.type ?? "0";
  const out: Uint8Array[] = [];
  const format = e.format ?? "ustar";
  let name = e.name;
  let linkName = e.linkName;
  if (e.longName === "gnu") {
    const longName = enc.encode(e.name + "\0");
    out.push(header({ name: "././@LongLink", type: "L", size: longName.length, format: "gnu" }), padded(longName));
    if (e.linkName !== undefined) {
      const longLink = enc.encode(e.linkName + "\0");
      out.push(header({ name: "././@LongLink", type: "K", size: longLink.length, format: "gnu" }), padded(longLink));
      linkName = e.linkName.slice(0, 100);
    }
    name = e.name.slice(0, 100);
  }
  const pax: Record<string, string> = { ...(e.longName === "pax" ? { path: e.name, ...(e.linkName !== undefined ? { linkpath: e.linkName } : {}) } : {}), ...e.pax };
  if (Object.keys(pax).length) {
    const records = paxRecords(pax);
    out.push(header({ name: "PaxHeader", type: "x", size: records.length, format }), padded(records));
    if (e.longName === "pax") name = e.name.slice(0, 100);
  }
  const h: Parameters<typeof header>[0] = { name, type, size: e.size ?? data.length, format };
  if (linkName !== undefined) h.linkName = linkName;
  if (e.mode !== undefined) h.mode = e.mode;
  if (e.uid !== undefined) h.uid = e.uid;
  if (e.gid !== undefined) h.gid = e.gid;
  if (e.prefix !== undefined) h.prefix = e.prefix;
  if (e.badChecksum) h.badChecksum = true;
  out.push(header(h), padded(data));
  return out;
}

/**
 * Builds a tar archive in memory, honest by default and hostile on request (traversal names,
 * links, devices, setuid bits, long names, PAX overrides, bad checksums, entries after the end).
 *
 * @example
 * const tar = buildTar([{ name: "../../evil.pkl", data: pickle }]);
 */
export function buildTar(entries: readonly TarBuildEntry[], options: TarBuildOptions = {}): Uint8Array {
  const parts: Uint8Array[] = entries.flatMap(entryBlocks);
  if (!options.noEnd) parts.push(new Uint8Array(2 * BLOCK));
  for (const e of options.afterEnd ?? []) parts.push(...entryBlocks(e));
  if (options.afterEnd?.length) parts.push(new Uint8Array(2 * BLOCK));
  parts.push(bytesOf(options.append));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
