// Hostile containers (issue 8): memory follows one member, loops stay linear, bombs stop early.
//   npm run build && node bench/containers-hostile.mjs [--keep]
// Each input is written (streamed, so a 10 GiB bomb is a few MB on disk) into bench/.data/hostile/
// and scanned in its own child process (bench/scan-one.mjs), which reports time and peak RSS.
// Goal: each finishes in seconds with RSS under 200 MB and a verdict that is not clean.
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeSync } from "node:fs";
import { constants, crc32, deflateRawSync } from "node:zlib";

const DATA = new URL("./.data/hostile/", import.meta.url).pathname;
const ONE = new URL("./scan-one.mjs", import.meta.url).pathname;
const KEEP = process.argv.includes("--keep");
/** Optional case filter: `node bench/containers-hostile.mjs dups gzip` runs the cases whose label contains a word. */
const ONLY = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const MiB = 1024 * 1024;
/** `cos\nsystem\n(S'id'\ntR.`: what every malicious case hides somewhere the scanner must reach. */
const PAYLOAD = Buffer.from("cos\nsystem\n(S'id'\ntR.", "latin1");

/** Sequential zip writer: local headers and data go straight to disk, the central directory is kept. */
class ZipWriter {
  constructor(path) {
    this.fd = openSync(path, "w");
    this.offset = 0;
    this.central = [];
  }
  write(buf) {
    writeSync(this.fd, buf);
    this.offset += buf.length;
  }
  /** Adds an entry whose (already compressed) data is `data`; `at` overrides the local header offset (overlaps). */
  entry(name, { method, data, size, crc, at }) {
    const nameBytes = Buffer.from(name);
    const offset = at ?? this.offset;
    if (at === undefined) {
      this.write(localHeader(nameBytes, { method, crc, csize: data.length, size }));
      this.write(data);
    }
    this.central.push(centralHeader(nameBytes, { method, crc, csize: data?.length ?? 0, size, offset }));
  }
  /** Records a central entry for a local header already written at `offset`. */
  centralOnly(name, { method, crc, csize, size, offset }) {
    this.central.push(centralHeader(Buffer.from(name), { method, crc, csize, size, offset }));
  }
  close() {
    const cdStart = this.offset;
    for (const c of this.central) this.write(c);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(Math.min(this.central.length, 0xffff), 8);
    eocd.writeUInt16LE(Math.min(this.central.length, 0xffff), 10);
    eocd.writeUInt32LE(this.offset - cdStart, 12);
    eocd.writeUInt32LE(cdStart, 16);
    this.write(eocd);
    closeSync(this.fd);
  }
}

function localHeader(name, { method, crc, csize, size }) {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(method, 8);
  h.writeUInt32LE(crc >>> 0, 14);
  h.writeUInt32LE(csize, 18);
  h.writeUInt32LE(size, 22);
  h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name]);
}

function centralHeader(name, { method, crc, csize, size, offset }) {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(method, 10);
  h.writeUInt32LE(crc >>> 0, 16);
  h.writeUInt32LE(csize, 20);
  h.writeUInt32LE(size, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt32LE(offset, 42);
  return Buffer.concat([h, name]);
}

/** Text-like bytes that deflate about 4:1: ordinary, not a bomb by ratio. */
function textLike(n, seed = 1) {
  const words = ["layer", "weight", "bias", "norm", "attn", "proj", "mlp", "embed", "token", "head", "0.125", "-3.5e-2", "\n"];
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; ) {
    x = (x * 1103515245 + 12345) >>> 0;
    const w = words[x % words.length];
    const r = (x >>> 8) & 0xff;
    i += out.write(w + String.fromCharCode(97 + (r % 26)) + " ", i, "latin1");
  }
  return out;
}

const deflate = (b) => deflateRawSync(b, { level: 1 });

function zipGiB(path) {
  const z = new ZipWriter(path);
  const member = textLike(10 * MiB + 752 * 1024);
  const data = deflate(member);
  const crc = crc32(member);
  for (let i = 0; i < 100; i++) z.entry(`shard/${String(i).padStart(3, "0")}.bin`, { method: 8, data, size: member.length, crc });
  const pay = deflate(PAYLOAD);
  z.entry("shard/zz_payload.pkl", { method: 8, data: pay, size: PAYLOAD.length, crc: crc32(PAYLOAD) });
  z.close();
}

function duplicates(path) {
  const z = new ZipWriter(path);
  const body = Buffer.from("x\n");
  for (let i = 0; i < 100_000; i++) z.entry("data.txt", { method: 0, data: body, size: body.length, crc: crc32(body) });
  z.close();
}

function overlapping(path) {
  const z = new ZipWriter(path);
  const kernel = textLike(MiB);
  const data = deflate(kernel);
  const crc = crc32(kernel);
  z.entry("kernel.bin", { method: 8, data, size: kernel.length, crc });
  for (let i = 1; i < 4000; i++) z.centralOnly(`copy${i}.bin`, { method: 8, crc, csize: data.length, size: kernel.length, offset: 0 });
  z.close();
}

/**
 * Fifield's construction (https://www.bamsoftware.com/hacks/zipbomb/): each entry's deflate stream
 * starts with a stored block that quotes the next local header, so every entry's data runs through
 * all later headers into one shared kernel. The kernel is text-like (about 4:1), so each entry alone
 * stays under the per-member ratio limit and only the archive-wide bound can stop it. CRCs are 0
 * ("not recorded").
 */
function quotedOverlap(path, n = 2000) {
  const kernelOut = textLike(8 * MiB, 7);
  const kernel = deflateRawSync(kernelOut, { level: 1 }); // ends with a final block
  const names = Array.from({ length: n }, (_, i) => Buffer.from(`q${String(i).padStart(4, "0")}`));
  const lfhLen = (i) => 30 + names[i].length;
  // Sizes from the back: entry n-1 is the kernel; entry i adds a 5-byte stored-block header and the next local header.
  const csize = new Array(n);
  const usize = new Array(n);
  csize[n - 1] = kernel.length;
  usize[n - 1] = kernelOut.length;
  for (let i = n - 2; i >= 0; i--) {
    csize[i] = 5 + lfhLen(i + 1) + csize[i + 1];
    usize[i] = lfhLen(i + 1) + usize[i + 1];
  }
  const z = new ZipWriter(path);
  for (let i = 0; i < n; i++) {
    const offset = z.offset;
    z.write(localHeader(names[i], { method: 8, crc: 0, csize: csize[i], size: usize[i] }));
    z.centralOnly(names[i].toString(), { method: 8, crc: 0, csize: csize[i], size: usize[i], offset });
    if (i < n - 1) {
      const len = lfhLen(i + 1);
      const quote = Buffer.from([0x00, len & 0xff, len >> 8, ~len & 0xff, (~len >> 8) & 0xff]); // BFINAL 0, BTYPE 00, LEN, NLEN
      z.write(quote);
    }
  }
  z.write(kernel);
  z.close();
}

/** 10 GiB of zeros as gzip, written from one 64 MiB deflate chunk ended by a full flush (byte-aligned, self-contained) repeated 160 times. */
function gzipBomb(path) {
  const chunk = deflateRawSync(Buffer.alloc(64 * MiB), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const fd = openSync(path, "w");
  writeSync(fd, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]));
  for (let i = 0; i < 160; i++) writeSync(fd, chunk);
  writeSync(fd, Buffer.from([0x03, 0x00])); // final empty fixed block
  const trailer = Buffer.alloc(8); // CRC left 0: no reader gets that far; ISIZE = 10 GiB mod 2^32 = 0
  writeSync(fd, trailer);
  closeSync(fd);
}

const CASES = [
  ["zip: 1 GiB in 100 members + payload", "gib.zip", zipGiB],
  ["zip: 100,000 duplicate names", "dups.zip", duplicates],
  ["zip: 4,000 overlapping entries", "overlap.zip", overlapping],
  ["zip: quoted-overlap bomb (2,000 entries)", "quoted.zip", quotedOverlap],
  ["gzip: 10 GiB bomb", "bomb.gz", gzipBomb],
];

mkdirSync(DATA, { recursive: true });
const rows = [];
for (const [label, file, make] of CASES) {
  if (ONLY.length > 0 && !ONLY.some((w) => label.includes(w))) continue;
  const path = DATA + file;
  if (!existsSync(path)) make(path);
  const r = JSON.parse(execFileSync(process.execPath, [ONE, path], { encoding: "utf8", maxBuffer: 64 * MiB }));
  rows.push({ bench: label, file_MB: +(r.size / MiB).toFixed(1), ms: r.millis, cpu_ms: r.cpuMillis, rss_MB: r.maxRssMB, verdict: r.verdict, errors: r.errors.length, first_error: (r.errors[0] ?? "").slice(0, 90) });
  if (!KEEP) rmSync(path);
}
console.table(rows);
