/**
 * Builds pickle byte streams opcode by opcode, for adversarial tests. Nothing here pickles a
 * Python object: every byte is written explicitly so the test says exactly what the file holds.
 *
 * @example
 * const bytes = new PickleBuilder().proto(2).global("os", "system").unicode("id").tuple1().reduce().stop().toBytes();
 */
export class PickleBuilder {
  private readonly parts: number[] = [];

  raw(...bytes: (number | string | Uint8Array)[]): this {
    for (const b of bytes) {
      if (typeof b === "number") this.parts.push(b);
      else if (typeof b === "string") for (const ch of new TextEncoder().encode(b)) this.parts.push(ch);
      else this.parts.push(...b);
    }
    return this;
  }
  private u32(n: number): number[] {
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  }
  private u64(n: number): number[] {
    return [...this.u32(n >>> 0), ...this.u32(Math.floor(n / 2 ** 32))];
  }
  proto(v: number): this {
    return this.raw(0x80, v);
  }
  frame(length: number): this {
    return this.raw(0x95, ...this.u64(length));
  }
  global(module: string, name: string): this {
    return this.raw("c", module, "\n", name, "\n");
  }
  inst(module: string, name: string): this {
    return this.raw("i", module, "\n", name, "\n");
  }
  stackGlobal(): this {
    return this.raw(0x93);
  }
  /** SHORT_BINUNICODE (protocol 4 string). */
  unicode(s: string): this {
    const b = new TextEncoder().encode(s);
    return b.length < 256 ? this.raw(0x8c, b.length, b) : this.raw(0x58, ...this.u32(b.length), b);
  }
  /** Protocol-0 STRING with quotes. */
  string(s: string): this {
    return this.raw("S'", s, "'\n");
  }
  binstring(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.raw(0x54, ...this.u32(b.length), b);
  }
  shortBinstring(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.raw(0x55, b.length, b);
  }
  bytes(data: Uint8Array): this {
    return data.length < 256 ? this.raw(0x43, data.length, data) : this.raw(0x42, ...this.u32(data.length), data);
  }
  binbytes8(data: Uint8Array, declared = data.length): this {
    return this.raw(0x8e, ...this.u64(declared), data);
  }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.raw(0x4b, n);
    return this.raw(0x4a, ...this.u32(n));
  }
  none(): this {
    return this.raw(0x4e);
  }
  mark(): this {
    return this.raw(0x28);
  }
  tuple(): this {
    return this.raw(0x74);
  }
  tuple1(): this {
    return this.raw(0x85);
  }
  tuple2(): this {
    return this.raw(0x86);
  }
  emptyTuple(): this {
    return this.raw(0x29);
  }
  emptyList(): this {
    return this.raw(0x5d);
  }
  emptyDict(): this {
    return this.raw(0x7d);
  }
  append(): this {
    return this.raw(0x61);
  }
  appends(): this {
    return this.raw(0x65);
  }
  setitem(): this {
    return this.raw(0x73);
  }
  setitems(): this {
    return this.raw(0x75);
  }
  reduce(): this {
    return this.raw(0x52);
  }
  build(): this {
    return this.raw(0x62);
  }
  obj(): this {
    return this.raw(0x6f);
  }
  newobj(): this {
    return this.raw(0x81);
  }
  newobjEx(): this {
    return this.raw(0x92);
  }
  pop(): this {
    return this.raw(0x30);
  }
  dup(): this {
    return this.raw(0x32);
  }
  put(i: number): this {
    return this.raw(0x71, i);
  }
  get(i: number): this {
    return this.raw(0x68, i);
  }
  memoize(): this {
    return this.raw(0x94);
  }
  ext1(code: number): this {
    return this.raw(0x82, code);
  }
  persid(id: string): this {
    return this.raw("P", id, "\n");
  }
  binpersid(): this {
    return this.raw(0x51);
  }
  stop(): this {
    return this.raw(0x2e);
  }
  /** A complete `module.name(arg)` call pickle at protocol 2. */
  static call(module: string, name: string, arg: string, proto = 2): Uint8Array {
    return new PickleBuilder().proto(proto).global(module, name).unicode(arg).tuple1().reduce().stop().toBytes();
  }
  toBytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
