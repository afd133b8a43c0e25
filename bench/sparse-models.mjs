// Sparse model files for the remote and gate benchmarks: real headers, holes for the tensor data,
// so a 10 GB file costs a few KiB of disk. Shared by bench/remote.mjs and bench/gate.mjs.
import { closeSync, ftruncateSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { crc32 } from "node:zlib";

/** A safetensors file of about `bytes`: BF16 tensors of 64 MiB each, header then a hole. */
export function writeSparseSafetensors(path, bytes) {
  const tensorBytes = 64 * 1024 * 1024;
  const count = Math.max(1, Math.floor(bytes / tensorBytes));
  const fields = ['"__metadata__":{"format":"pt"}'];
  for (let i = 0; i < count; i++) {
    fields.push(`"model.layers.${i}.weight":{"dtype":"BF16","shape":[4096,8192],"data_offsets":[${i * tensorBytes},${(i + 1) * tensorBytes}]}`);
  }
  let header = Buffer.from(`{${fields.join(",")}}`);
  header = Buffer.concat([header, Buffer.alloc((8 - (header.length % 8)) % 8, 0x20)]);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(header.length));
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "w");
  writeSync(fd, prefix);
  writeSync(fd, header);
  const size = 8 + header.length + count * tensorBytes;
  ftruncateSync(fd, size);
  closeSync(fd);
  return size;
}

/** Protocol-2 pickle of an OrderedDict of float32 tensors, as torch.save writes a state dict. */
function stateDictPickle(numels) {
  const parts = [];
  const op = (s) => parts.push(Buffer.from(s, "latin1"));
  const str = (s) => {
    const b = Buffer.from(s, "utf8");
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    parts.push(Buffer.from("X"), len, b);
  };
  const int4 = (n) => {
    const b = Buffer.alloc(5);
    b[0] = 0x4a; // BININT
    b.writeInt32LE(n, 1);
    parts.push(b);
  };
  op("\x80\x02ccollections\nOrderedDict\n)R(");
  numels.forEach((numel, i) => {
    str(`layer${i}.weight`);
    op("ctorch._utils\n_rebuild_tensor_v2\n((");
    str("storage");
    op("ctorch\nFloatStorage\n");
    str(String(i));
    str("cpu");
    int4(numel);
    op("tQK\x00");
    int4(numel);
    op("\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtR");
  });
  op("u.");
  return Buffer.concat(parts);
}

/** CRC-32 of `length` zero bytes, in 16 MiB steps. */
function zeroCrc(length) {
  const zeros = Buffer.alloc(Math.min(length, 16 * 1024 * 1024));
  let crc = 0;
  for (let left = length; left > 0; left -= zeros.length) crc = crc32(zeros.subarray(0, Math.min(left, zeros.length)), crc);
  return crc;
}

/**
 * A PyTorch zip checkpoint (torch.save layout: archive/data.pkl, archive/data/N, archive/version)
 * with `count` float32 storages of `storageBytes` each, stored uncompressed and left as holes.
 * Zip32, so the whole file must stay under 4 GiB.
 */
export function writeSparseTorchZip(path, count, storageBytes) {
  const numel = storageBytes / 4;
  const members = [
    { name: "archive/data.pkl", data: stateDictPickle(Array.from({ length: count }, () => numel)) },
    ...Array.from({ length: count }, (_, i) => ({ name: `archive/data/${i}`, size: storageBytes })),
    { name: "archive/version", data: Buffer.from("3\n") },
  ];
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "w");
  let at = 0;
  const central = [];
  for (const m of members) {
    const name = Buffer.from(m.name);
    const size = m.data ? m.data.length : m.size;
    const crc = m.data ? crc32(m.data) : zeroCrc(size);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    writeSync(fd, Buffer.concat([local, name]), 0, 30 + name.length, at);
    central.push({ name, size, crc, offset: at });
    at += 30 + name.length;
    if (m.data) writeSync(fd, m.data, 0, m.data.length, at);
    at += size;
  }
  const cdStart = at;
  for (const c of central) {
    const h = Buffer.alloc(46);
    h.writeUInt32LE(0x02014b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(20, 6);
    h.writeUInt32LE(c.crc >>> 0, 16);
    h.writeUInt32LE(c.size, 20);
    h.writeUInt32LE(c.size, 24);
    h.writeUInt16LE(c.name.length, 28);
    h.writeUInt32LE(c.offset, 42);
    const entry = Buffer.concat([h, c.name]);
    writeSync(fd, entry, 0, entry.length, at);
    at += entry.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length, 8);
  end.writeUInt16LE(central.length, 10);
  end.writeUInt32LE(at - cdStart, 12);
  end.writeUInt32LE(cdStart, 16);
  writeSync(fd, end, 0, 22, at);
  at += 22;
  closeSync(fd);
  return at;
}

/**
 * A legacy (pre-1.6) torch.save checkpoint: magic, protocol version and sys_info pickles, the
 * state dict with `count` float32 storages of `storageBytes` each, the storage keys, then each
 * storage as an 8-byte element count and its data, left as holes.
 */
export function writeSparseLegacyCheckpoint(path, count, storageBytes) {
  const numel = storageBytes / 4;
  const latin = (s) => Buffer.from(s, "latin1");
  const str = (s) => {
    const b = Buffer.from(s, "utf8");
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    return Buffer.concat([latin("X"), len, b]);
  };
  const int4 = (n) => {
    const b = Buffer.alloc(5);
    b[0] = 0x4a; // BININT
    b.writeInt32LE(n, 1);
    return b;
  };
  const magic = latin("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.");
  const protocol = latin("\x80\x02M\xe9\x03.");
  const sysInfo = Buffer.concat([latin("\x80\x02}("), str("protocol_version"), latin("M\xe9\x03"), str("little_endian"), latin("\x88"), str("type_sizes"), latin("}("), str("short"), latin("K\x02"), str("int"), latin("K\x04"), str("long"), latin("K\x04uu.")]);
  const keys = Array.from({ length: count }, (_, i) => String(i));
  const state = [latin("\x80\x02ccollections\nOrderedDict\n)R(")];
  keys.forEach((key, i) => {
    state.push(str(`layer${i}.weight`), latin("ctorch._utils\n_rebuild_tensor_v2\n(("), str("storage"), latin("ctorch\nFloatStorage\n"), str(key), str("cpu"), int4(numel), latin("NtQK\x00"), int4(numel), latin("\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtR"));
  });
  state.push(latin("u."));
  const keyList = Buffer.concat([latin("\x80\x02("), ...keys.map(str), latin("l.")]);
  const head = Buffer.concat([magic, protocol, sysInfo, ...state, keyList]);
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "w");
  writeSync(fd, head, 0, head.length, 0);
  let at = head.length;
  for (let i = 0; i < count; i++) {
    const n = Buffer.alloc(8);
    n.writeBigUInt64LE(BigInt(numel));
    writeSync(fd, n, 0, 8, at);
    at += 8 + storageBytes;
  }
  ftruncateSync(fd, at);
  closeSync(fd);
  return at;
}

/**
 * GGUF v3 with a Llama-style tokenizer (`vocab` tokens and their scores) and `tensors` F32 tensors
 * summing to about `total` bytes, left as a hole: a 32,000-token vocabulary makes a header of about
 * 0.6 MB, read in many small pieces. `chatTemplate`, when given, is stored as tokenizer.chat_template.
 */
export function writeSparseGguf(path, total, vocab = 32_000, tensors = 64, chatTemplate = undefined) {
  const parts = [];
  const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); parts.push(b); };
  const u64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); parts.push(b); };
  const str = (s) => { const b = Buffer.from(s); u64(b.length); parts.push(b); };
  const elements = Math.floor(total / tensors / 4 / 32) * 32;
  parts.push(Buffer.from("GGUF"));
  u32(3);
  u64(tensors);
  u64((vocab ? 4 : 2) + (chatTemplate === undefined ? 0 : 1));
  str("general.architecture"); u32(8); str("llama");
  str("llama.block_count"); u32(4); u32(32);
  if (chatTemplate !== undefined) { str("tokenizer.chat_template"); u32(8); str(chatTemplate); }
  if (vocab) {
    str("tokenizer.ggml.tokens"); u32(9); u32(8); u64(vocab);
    for (let i = 0; i < vocab; i++) str(`tok${i}`);
    str("tokenizer.ggml.scores"); u32(9); u32(6); u64(vocab); parts.push(Buffer.alloc(vocab * 4));
  }
  let offset = 0;
  for (let i = 0; i < tensors; i++) {
    str(`blk.${i}.weight`); u32(1); u64(elements); u32(0); u64(offset);
    offset += elements * 4;
  }
  const header = Buffer.concat(parts);
  const dataStart = header.length + ((32 - (header.length % 32)) % 32);
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "w");
  writeSync(fd, header);
  ftruncateSync(fd, dataStart + offset);
  closeSync(fd);
  return { size: dataStart + offset, headerBytes: header.length };
}
