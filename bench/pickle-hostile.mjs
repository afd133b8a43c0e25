// node bench/pickle-hostile.mjs: hostile pickles must finish in seconds, under 200 MB RSS, and
// never scan clean (issue 8). Each file is scanned in a child process (scan-one.mjs, the built
// dist) so that peak RSS is the file's own. Needs `npm run build` first.
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = join(tmpdir(), "modelvet-bench-hostile");
mkdirSync(dir, { recursive: true });
const one = new URL("./scan-one.mjs", import.meta.url).pathname;
const MB = 1024 * 1024;
const PAYLOAD = Buffer.from("cos\nsystem\n(S'id'\ntR.", "latin1");

/** Writes head, then `unit` repeated until the file reaches `bytes`, then tail; in 4 MB chunks. */
function writeRepeated(name, head, unit, bytes, tail) {
  const path = join(dir, name);
  if (existsSync(path)) return path;
  const fd = openSync(path, "w");
  writeSync(fd, head);
  const count = Math.floor((bytes - head.length - tail.length) / unit.length);
  const perChunk = Math.max(1, Math.floor((4 * MB) / unit.length));
  const chunk = Buffer.alloc(perChunk * unit.length);
  for (let i = 0; i < perChunk; i++) unit.copy(chunk, i * unit.length);
  for (let left = count; left > 0; left -= perChunk) writeSync(fd, chunk, 0, Math.min(left, perChunk) * unit.length);
  writeSync(fd, tail);
  closeSync(fd);
  return path;
}

const u64 = (n) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

// STACK_GLOBAL("builtins", "a.a.a.…" of 1 MB), called: name classification must stay linear.
const nameLength = Buffer.alloc(4);
nameLength.writeUInt32LE(MB);
const dottedHead = Buffer.concat([Buffer.from([0x80, 4, 0x8c, 8]), Buffer.from("builtins"), Buffer.from([0x58]), nameLength]);
const dottedTail = Buffer.from("\x93N\x85R.", "latin1");

const files = [
  ["FRAME flood, 100 MB", writeRepeated("frame-flood.pkl", Buffer.from([0x80, 4]), Buffer.concat([Buffer.from([0x95]), u64(100)]), 100 * MB, PAYLOAD)],
  ["deep MARK, 100 MB", writeRepeated("deep-mark.pkl", Buffer.from([0x80, 2]), Buffer.from("("), 100 * MB, PAYLOAD)],
  ["MARK frames of empty lists, 20 MB", writeRepeated("mark-lists.pkl", Buffer.from([0x80, 2]), Buffer.concat([Buffer.from("("), Buffer.alloc(999, "]")]), 20 * MB, PAYLOAD)],
  ["MARK frames of 16-list lists, 20 MB", writeRepeated("nested-lists.pkl", Buffer.from([0x80, 2]), Buffer.from("(" + "]".repeat(16) + "l"), 20 * MB, PAYLOAD)],
  [
    "1 MB dotted name (STACK_GLOBAL)",
    writeRepeated("dotted-name.pkl", dottedHead, Buffer.from("a."), dottedHead.length + MB + dottedTail.length, dottedTail),
  ],
  ["1.6 M-float tuple, then a payload", writeRepeated("float-tuple.pkl", Buffer.from([0x80, 2, 0x28]), Buffer.from([0x47, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0]), 3 + 1_600_000 * 9 + 2 + PAYLOAD.length, Buffer.concat([Buffer.from("t0", "latin1"), PAYLOAD]))],
];

const rows = [];
for (const [label, path] of files) {
  let result;
  try {
    result = JSON.parse(execFileSync(process.execPath, [one, path], { encoding: "utf8", maxBuffer: 64 * MB }));
  } catch (error) {
    rows.push({ bench: label, verdict: `CRASH: ${String(error.message).split("\n")[0]}` });
    continue;
  }
  rows.push({
    bench: label,
    size_MB: +(result.size / MB).toFixed(1),
    ms: Math.round(result.millis),
    rss_MB: result.maxRssMB,
    verdict: result.verdict,
    ok: result.verdict !== "clean" && result.maxRssMB < 200 ? "yes" : "NO",
    errors: result.errors.join("; ").slice(0, 100),
  });
}
console.table(rows);
