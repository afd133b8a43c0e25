#!/usr/bin/env node
// Benchmark for `modelvet convert`: builds a ~1 GB PyTorch zip checkpoint in /tmp (a valid
// torch.save layout written here in JS: data.pkl with _rebuild_tensor_v2 calls, stored records),
// then times `cp` of that file and `modelvet convert` of it, each twice (the second run with a
// warm page cache). Run after `npm run build`:  node bench/convert.mjs [sizeMB]
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";

const sizeMb = Number(process.argv[2] ?? 1024);
const TENSOR_MB = 16;
const dir = join(tmpdir(), "modelvet-bench-convert");
const input = join(dir, "pytorch_model.bin");
const output = join(dir, "model.safetensors");
const copy = join(dir, "copy.bin");
const cli = new URL("../dist/cli/bin.js", import.meta.url).pathname;

function pickle(tensors) {
  const parts = [];
  const b = (...bytes) => parts.push(Buffer.from(bytes));
  const str = (s) => {
    const data = Buffer.from(s, "utf8");
    const len = Buffer.alloc(4);
    len.writeUInt32LE(data.length);
    parts.push(Buffer.from([0x58]), len, data);
  };
  const int = (n) => {
    const buf = Buffer.alloc(5);
    buf[0] = 0x4a;
    buf.writeInt32LE(n, 1);
    parts.push(buf);
  };
  const global = (m, n) => parts.push(Buffer.from(`c${m}\n${n}\n`, "latin1"));
  b(0x80, 0x02, 0x7d, 0x28); // PROTO 2, EMPTY_DICT, MARK
  for (const t of tensors) {
    str(t.name);
    global("torch._utils", "_rebuild_tensor_v2");
    b(0x28, 0x28); // MARK (args) MARK (pid)
    str("storage");
    global("torch", "FloatStorage");
    str(t.key);
    str("cpu");
    int(t.rows * t.cols);
    b(0x74, 0x51); // TUPLE, BINPERSID
    int(0);
    b(0x28);
    int(t.rows);
    int(t.cols);
    b(0x74); // size
    b(0x28);
    int(t.cols);
    int(1);
    b(0x74); // stride
    b(0x89); // NEWFALSE
    global("collections", "OrderedDict");
    b(0x29, 0x52); // EMPTY_TUPLE, REDUCE
    b(0x74, 0x52); // TUPLE, REDUCE
  }
  b(0x75, 0x2e); // SETITEMS, STOP
  return Buffer.concat(parts);
}

/** A stored zip written record by record: local header, data; then the central directory. */
function buildCheckpoint() {
  const count = Math.max(1, Math.round(sizeMb / TENSOR_MB));
  const cols = 1024;
  const rows = (TENSOR_MB * 1024 * 1024) / 4 / cols;
  const tensors = Array.from({ length: count }, (_, i) => ({ name: `layers.${i}.weight`, key: String(i), rows, cols }));
  const fd = openSync(input, "w");
  const central = [];
  let offset = 0;
  const add = (name, data) => {
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    writeSync(fd, local);
    writeSync(fd, nameBytes);
    writeSync(fd, data);
    central.push({ nameBytes, crc, size: data.length, offset });
    offset += 30 + nameBytes.length + data.length;
  };
  add("archive/data.pkl", pickle(tensors));
  const block = Buffer.alloc(rows * cols * 4);
  for (let i = 0; i < block.length; i += 4) block.writeFloatLE(Math.sin(i), i);
  for (const t of tensors) {
    block.writeFloatLE(Number(t.key), 0);
    add(`archive/data/${t.key}`, block);
  }
  add("archive/version", Buffer.from("3\n"));
  const cdStart = offset;
  for (const e of central) {
    const h = Buffer.alloc(46);
    h.writeUInt32LE(0x02014b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(20, 6);
    h.writeUInt32LE(e.crc, 16);
    h.writeUInt32LE(e.size, 20);
    h.writeUInt32LE(e.size, 24);
    h.writeUInt16LE(e.nameBytes.length, 28);
    h.writeUInt32LE(e.offset, 42);
    writeSync(fd, h);
    writeSync(fd, e.nameBytes);
    offset += 46 + e.nameBytes.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length, 8);
  end.writeUInt16LE(central.length, 10);
  end.writeUInt32LE(offset - cdStart, 12);
  end.writeUInt32LE(cdStart, 16);
  writeSync(fd, end);
  closeSync(fd);
}

function time(label, fn) {
  const start = process.hrtime.bigint();
  fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const mb = statSync(input).size / 1024 / 1024;
  console.log(`${label.padEnd(28)} ${seconds.toFixed(2).padStart(6)} s  ${(mb / seconds).toFixed(0).padStart(5)} MB/s`);
  return seconds;
}

if (!existsSync(cli)) {
  console.error("run `npm run build` first");
  process.exit(2);
}
rmSync(dir, { recursive: true, force: true });
execFileSync("mkdir", ["-p", dir]);
console.log(`building a ${sizeMb} MB torch zip checkpoint in ${dir} …`);
buildCheckpoint();
console.log(`input: ${(statSync(input).size / 1024 / 1024).toFixed(0)} MB`);
for (let run = 1; run <= 2; run++) {
  rmSync(copy, { force: true });
  rmSync(output, { force: true });
  const cp = time(`cp (run ${run})`, () => execFileSync("cp", [input, copy]));
  const conv = time(`modelvet convert (run ${run})`, () => execFileSync(process.execPath, [cli, "convert", input, "--out", output], { stdio: "ignore" }));
  console.log(`  convert / cp = ${(conv / cp).toFixed(2)}x`);
}
console.log(`load average: ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${cpus().length} cores (figures from a loaded machine are noisy)`);
if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
