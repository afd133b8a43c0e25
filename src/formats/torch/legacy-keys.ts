import { Op } from "../pickle/opcodes.js";

/** Keys read from one list (CWE-770): one per storage, and models have thousands, not millions. */
export const MAX_STORAGE_KEYS = 1_000_000;

export type KeyList = { ok: true; keys: string[] } | { ok: false; error: string; offset: number };

const MARK = Symbol("mark");
const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8");

/**
 * Reads the fifth pickle of a legacy checkpoint, `pickle.dump(serialized_storage_keys)`: a flat
 * list of strings. The symbolic VM keeps only the first items of a list, but the raw storages
 * that follow come in exactly this order, so every key is needed. Only the opcodes a pickler
 * writes for a list of str (any protocol) are accepted; anything else is reported, not guessed.
 *
 * @example
 * readKeyList(bytes); // { ok: true, keys: ["94201680", "94201888"] }
 */
export function readKeyList(bytes: Uint8Array, base = 0): KeyList {
  const r = new KeyListReader(bytes, base);
  return r.read();
}

class KeyListReader {
  private pos = 0;
  private readonly stack: (string | string[] | typeof MARK)[] = [];
  private readonly memo = new Map<number, string | string[]>();
  private readonly view: DataView;

  constructor(
    private readonly b: Uint8Array,
    private readonly base: number,
  ) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  private fail(error: string): KeyList {
    return { ok: false, error, offset: this.base + this.pos };
  }

  read(): KeyList {
    while (this.pos < this.b.length) {
      const at = this.pos;
      const op = this.b[this.pos++] as number;
      const step = this.step(op);
      if (step === "stop") return this.result();
      if (step !== undefined) return { ok: false, error: step, offset: this.base + at };
    }
    return this.fail("key list ends without STOP");
  }

  private result(): KeyList {
    const top = this.stack.pop();
    if (!Array.isArray(top) || this.stack.length > 0) return this.fail("key list pickle is not a single list");
    return { ok: true, keys: top };
  }

  /** Runs one op; returns "stop", an error message, or undefined to go on. */
  private step(op: number): string | undefined {
    switch (op) {
      case Op.PROTO:
        this.pos += 1;
        return undefined;
      case Op.FRAME:
        this.pos += 8;
        return undefined;
      case Op.EMPTY_LIST:
        this.stack.push([]);
        return undefined;
      case Op.MARK:
        this.stack.push(MARK);
        return undefined;
      case Op.LIST:
        return this.appendMarked([]);
      case Op.APPENDS:
        return this.appendMarked(undefined);
      case Op.APPEND: {
        const item = this.stack.pop();
        const list = this.stack[this.stack.length - 1];
        if (typeof item !== "string" || !Array.isArray(list)) return "APPEND outside a list of strings";
        return this.push(list, [item]);
      }
      case Op.SHORT_BINUNICODE:
      case Op.SHORT_BINSTRING:
        return this.text(this.u8(), op === Op.SHORT_BINUNICODE);
      case Op.BINUNICODE:
      case Op.BINSTRING:
        return this.text(this.u32(), op === Op.BINUNICODE);
      case Op.BINUNICODE8:
        return this.text(this.u64(), true);
      case Op.UNICODE:
      case Op.STRING:
        return this.line(op);
      case Op.BINPUT:
        return this.put(this.u8());
      case Op.LONG_BINPUT:
        return this.put(this.u32());
      case Op.MEMOIZE:
        return this.put(this.memo.size);
      case Op.PUT:
        return this.put(Number(this.readLine()));
      case Op.BINGET:
        return this.get(this.u8());
      case Op.LONG_BINGET:
        return this.get(this.u32());
      case Op.STOP:
        return "stop";
      default:
        return `opcode 0x${op.toString(16).padStart(2, "0")} does not belong in a list of storage keys`;
    }
  }

  private u8(): number {
    const v = this.b[this.pos] ?? -1;
    this.pos += 1;
    return v;
  }

  private u32(): number {
    if (this.pos + 4 > this.b.length) return -1;
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  private u64(): number {
    if (this.pos + 8 > this.b.length) return -1;
    const v = this.view.getUint32(this.pos, true) + this.view.getUint32(this.pos + 4, true) * 2 ** 32;
    this.pos += 8;
    return Number.isSafeInteger(v) ? v : -1;
  }

  private text(n: number, unicode: boolean): string | undefined {
    if (n < 0 || this.pos + n > this.b.length) return "string runs past the end of the key list";
    const bytes = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    this.stack.push((unicode ? utf8 : latin1).decode(bytes));
    return undefined;
  }

  private readLine(): string {
    const nl = this.b.indexOf(0x0a, this.pos);
    const end = nl === -1 ? this.b.length : nl;
    const text = latin1.decode(this.b.subarray(this.pos, end));
    this.pos = end + 1;
    return text;
  }

  /** Protocol 0/1: `V<raw-unicode-escape>\n` or `S'<escaped>'\n`; storage keys are digits, so no escapes matter. */
  private line(op: number): string | undefined {
    let text = this.readLine();
    if (op === Op.STRING) {
      if (text.length < 2 || !/^(['"]).*\1$/.test(text)) return "STRING key is not quoted";
      text = text.slice(1, -1);
    }
    this.stack.push(text);
    return undefined;
  }

  private put(index: number): string | undefined {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined || top === MARK || !Number.isSafeInteger(index) || index < 0) return "memo PUT without a value";
    this.memo.set(index, top);
    return undefined;
  }

  private get(index: number): string | undefined {
    const value = this.memo.get(index);
    if (typeof value !== "string") return `memo GET ${index} is not a stored key`;
    this.stack.push(value);
    return undefined;
  }

  /** APPENDS (into the list below the mark) or LIST (a new list). */
  private appendMarked(fresh: string[] | undefined): string | undefined {
    const mark = this.stack.lastIndexOf(MARK);
    if (mark === -1) return "APPENDS/LIST without a MARK";
    const items = this.stack.splice(mark).slice(1);
    if (!items.every((i): i is string => typeof i === "string")) return "storage keys are not all strings";
    const list = fresh ?? this.stack[this.stack.length - 1];
    if (!Array.isArray(list)) return "APPENDS outside a list";
    if (fresh) this.stack.push(fresh);
    return this.push(list, items);
  }

  private push(list: string[], items: string[]): string | undefined {
    if (list.length + items.length > MAX_STORAGE_KEYS) return `more than ${MAX_STORAGE_KEYS} storage keys`;
    for (const item of items) list.push(item);
    return undefined;
  }
}

