// Bench inputs, written the way CPython's pickler (protocol 4) lays them out. Kept in bench/.data
// (git-ignored); regenerated when missing.
import { mkdirSync, existsSync, openSync, writeSync, closeSync, ftruncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const DATA = new URL("./.data/", import.meta.url).pathname;

function u64(n) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

/** BININT1, BININT2 or BININT for `i`, as CPython picks them. */
function binint(i) {
  return i < 256 ? Buffer.from([0x4b, i]) : i < 65536 ? Buffer.from([0x4d, i & 0xff, i >> 8]) : Buffer.from([0x4a, ...new Uint8Array(new Int32Array([i]).buffer)]);
}

/**
 * Protocol 4 framing over `fd`: opcodes go into the current frame, and `commit()` writes it out
 * (FRAME and its 8-byte length first) once it holds 64 KiB; `end()` writes what is left.
 */
function framer(fd) {
  let frame = [];
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    writeSync(fd, Buffer.concat([Buffer.from([0x95]), u64(size), ...frame]));
    frame = [];
    size = 0;
  };
  return {
    write(bytes) {
      const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
      frame.push(buf);
      size += buf.length;
    },
    commit() {
      if (size >= 64 * 1024) flush();
    },
    end: flush,
  };
}

/**
 * `pickle.dumps([(i, i * 2, "x") for i in range(count)], 4)`, byte for byte as CPython writes it
 * (bench/pickle-throughput.mjs's tuples inputs, with no Python needed): ~14 bytes and 5 opcodes per
 * tuple. Frames are cut where CPython's pickler cuts them: before it saves an object, once the
 * frame holds 64 KiB.
 */
export function tuplesListPickle(path, count) {
  if (existsSync(path)) return path;
  const fd = openSync(path, "w");
  const out = framer(fd);
  /** Saving an object: CPython commits the frame first. */
  const save = (bytes) => {
    out.commit();
    out.write(bytes);
  };
  writeSync(fd, Buffer.from([0x80, 0x04]));
  out.write([0x5d, 0x94]); // EMPTY_LIST MEMOIZE
  for (let start = 0; start < count; start += 1000) {
    const n = Math.min(1000, count - start);
    if (n > 1) out.write([0x28]); // MARK (a batch of one is a lone APPEND)
    for (let i = start; i < start + n; i++) {
      save(binint(i)); // the tuple's save commits here too, before its first item
      save(binint(i * 2));
      save(i === 0 ? [0x8c, 1, 0x78, 0x94] : [0x68, 1]); // "x", then BINGET of its memo entry
      out.write([0x87, 0x94]); // TUPLE3 MEMOIZE
    }
    out.write([n > 1 ? 0x65 : 0x61]); // APPENDS (APPEND)
  }
  out.write([0x2e]);
  out.end();
  closeSync(fd);
  return path;
}

/** `pickle.dumps([(i, i * 0.5, f"item{i}") for i in range(n)], 4)`: ~25 bytes and 9 opcodes per item. */
export function denseListPickle(path, targetBytes) {
  if (existsSync(path)) return path;
  const fd = openSync(path, "w");
  const out = framer(fd);
  const emit = (buf) => {
    out.write(buf);
    out.commit();
  };
  writeSync(fd, Buffer.from([0x80, 0x04]));
  emit(Buffer.from([0x5d, 0x94])); // EMPTY_LIST MEMOIZE
  let written = 0;
  let i = 0;
  while (written < targetBytes) {
    const parts = [Buffer.from([0x28])]; // MARK
    for (let k = 0; k < 1000; k++, i++) {
      const f = Buffer.alloc(9);
      f[0] = 0x47;
      f.writeDoubleBE(i * 0.5, 1);
      const s = Buffer.from(`item${i}`);
      parts.push(binint(i), f, Buffer.from([0x8c, s.length]), s, Buffer.from([0x94, 0x87, 0x94]));
    }
    parts.push(Buffer.from([0x65])); // APPENDS
    const chunk = Buffer.concat(parts);
    emit(chunk);
    written += chunk.length;
  }
  emit(Buffer.from([0x2e]));
  out.end();
  closeSync(fd);
  return path;
}

/** A numpy array pickle whose 1 GiB data is one BINBYTES8 (sparse file: no disk used). */
export function bigPayloadPickle(path, payload = 1024 ** 3) {
  if (existsSync(path)) return path;
  const head = Buffer.concat([
    Buffer.from([0x80, 0x04]),
    Buffer.from("\x8c\x15numpy.core.multiarray\x94\x8c\x0c_reconstruct\x94\x93\x94", "latin1"),
    Buffer.from("\x8c\x05numpy\x94\x8c\x07ndarray\x94\x93\x94K\x00\x85\x94C\x01b\x94\x87\x94R\x94", "latin1"),
    Buffer.from("(K\x01J\x00\x00\x00\x10\x85\x94\x8c\x05numpy\x94\x8c\x05dtype\x94\x93\x94\x8c\x02u1\x94\x89\x88\x87\x94R\x94\x89", "latin1"),
    Buffer.from([0x8e]),
    u64(payload),
  ]);
  const tail = Buffer.from("t\x94b.", "latin1");
  const fd = openSync(path, "w");
  writeSync(fd, head, 0, head.length, 0);
  ftruncateSync(fd, head.length + payload);
  writeSync(fd, tail, 0, tail.length, head.length + payload);
  closeSync(fd);
  return path;
}

/** 200 small pickles: state-dict-like data, sklearn-like objects, and a few malicious ones. */
export function smallPickleDir(dir, count = 200) {
  if (existsSync(join(dir, `f${count - 1}.pkl`))) return dir;
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const body =
      i % 50 === 0
        ? "\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03."
        : `\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01(X\x06\x00\x00\x00weightq\x02K${String.fromCharCode(i % 256)}X\x04\x00\x00\x00biasq\x03G?\xe0\x00\x00\x00\x00\x00\x00u.`;
    writeFileSync(join(dir, `f${i}.pkl`), Buffer.from(body, "latin1"));
  }
  return dir;
}

export function prepare() {
  mkdirSync(DATA, { recursive: true });
  return {
    dense: denseListPickle(join(DATA, "dense-100mb.pkl"), 100 * 1024 * 1024),
    big: bigPayloadPickle(join(DATA, "numpy-1gb.pkl")),
    dir: smallPickleDir(join(DATA, "small-200")),
  };
}
