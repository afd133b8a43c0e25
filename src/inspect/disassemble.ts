import { OP, opName } from "../formats/pickle/opcodes.js";

/** Ops listed per pickle (CWE-770): a listing for a person, not a dump of a billion-op stream. */
export const MAX_LISTED_OPS = 5_000;
/** Bytes of an operand shown. */
const MAX_OPERAND_CHARS = 80;

export interface OpLine {
  offset: number;
  op: string;
  arg?: string;
  /** What the symbolic VM made of this op (the import it resolved, the call it saw). */
  note?: string;
}

const LINE_OPS = new Set<number>([OP.INT, OP.LONG, OP.STRING, OP.UNICODE, OP.FLOAT, OP.GET, OP.PUT, OP.PERSID]);
const U8 = new Set<number>([OP.BININT1, OP.BINGET, OP.BINPUT, OP.PROTO, OP.EXT1]);
const U8_LEN = new Set<number>([OP.SHORT_BINSTRING, OP.SHORT_BINBYTES, OP.SHORT_BINUNICODE, OP.LONG1]);
const U32 = new Set<number>([OP.LONG_BINGET, OP.LONG_BINPUT]);
const U32_LEN = new Set<number>([OP.BINSTRING, OP.BINBYTES, OP.BINUNICODE, OP.LONG4]);
const U64_LEN = new Set<number>([OP.BINBYTES8, OP.BINUNICODE8, OP.BYTEARRAY8]);
const TEXT_ARGS = new Set<number>([OP.SHORT_BINUNICODE, OP.BINUNICODE, OP.BINUNICODE8, OP.SHORT_BINSTRING, OP.BINSTRING]);

/**
 * Lists the opcodes of one pickle stream with their operands (lengths only for long payloads),
 * like `pickletools.dis`, stopping at STOP, at bytes that are not an opcode, at the end of `bytes`
 * or after MAX_LISTED_OPS. `notes` annotates offsets with what the symbolic VM saw there.
 */
export function disassemble(bytes: Uint8Array, notes: ReadonlyMap<number, string> = new Map(), base = 0): { lines: OpLine[]; complete: boolean } {
  const lines: OpLine[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const latin1 = new TextDecoder("latin1");
  const utf8 = new TextDecoder("utf-8");
  let pos = 0;
  while (pos < bytes.length && lines.length < MAX_LISTED_OPS) {
    const at = pos;
    const code = bytes[pos] as number;
    const name = opName(code);
    if (name === undefined) return { lines, complete: false };
    pos++;
    const line: OpLine = { offset: base + at, op: name };
    const need = (n: number): boolean => pos + n <= bytes.length;
    if (LINE_OPS.has(code) || code === OP.GLOBAL || code === OP.INST) {
      const parts: string[] = [];
      for (let i = 0; i < (code === OP.GLOBAL || code === OP.INST ? 2 : 1); i++) {
        const end = bytes.indexOf(0x0a, pos);
        if (end < 0) return { lines, complete: false };
        parts.push(latin1.decode(bytes.subarray(pos, Math.min(end, pos + MAX_OPERAND_CHARS))));
        pos = end + 1;
      }
      line.arg = parts.join(" ");
    } else if (U8.has(code)) {
      if (!need(1)) return { lines, complete: false };
      line.arg = String(bytes[pos]);
      pos += 1;
    } else if (code === OP.BININT2 || code === OP.EXT2) {
      if (!need(2)) return { lines, complete: false };
      line.arg = String(view.getUint16(pos, true));
      pos += 2;
    } else if (code === OP.BININT || code === OP.EXT4) {
      if (!need(4)) return { lines, complete: false };
      line.arg = String(view.getInt32(pos, true));
      pos += 4;
    } else if (U32.has(code)) {
      if (!need(4)) return { lines, complete: false };
      line.arg = String(view.getUint32(pos, true));
      pos += 4;
    } else if (code === OP.BINFLOAT) {
      if (!need(8)) return { lines, complete: false };
      line.arg = String(view.getFloat64(pos, false));
      pos += 8;
    } else if (code === OP.FRAME) {
      if (!need(8)) return { lines, complete: false };
      line.arg = `${view.getUint32(pos, true) + view.getUint32(pos + 4, true) * 2 ** 32} bytes`;
      pos += 8;
    } else if (U8_LEN.has(code) || U32_LEN.has(code) || U64_LEN.has(code)) {
      const width = U8_LEN.has(code) ? 1 : U32_LEN.has(code) ? 4 : 8;
      if (!need(width)) return { lines, complete: false };
      const length = width === 1 ? (bytes[pos] as number) : width === 4 ? view.getUint32(pos, true) : view.getUint32(pos, true) + view.getUint32(pos + 4, true) * 2 ** 32;
      pos += width;
      if (!need(length)) {
        line.arg = `<${length} bytes, past the end of what was read>`;
        lines.push(line);
        return { lines, complete: false };
      }
      const payload = bytes.subarray(pos, pos + Math.min(length, MAX_OPERAND_CHARS));
      line.arg = TEXT_ARGS.has(code) ? JSON.stringify(utf8.decode(payload)) + (length > MAX_OPERAND_CHARS ? `… (${length} bytes)` : "") : `<${length} bytes>`;
      pos += length;
    }
    const note = notes.get(base + at);
    if (note !== undefined) line.note = note;
    lines.push(line);
    if (code === OP.STOP) return { lines, complete: true };
  }
  return { lines, complete: pos >= bytes.length };
}
