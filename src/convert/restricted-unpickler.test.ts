import { describe, expect, it } from "vitest";
import { unpickleRestricted } from "./restricted-unpickler.js";
import type { TDict, TTensor } from "./values.js";

/** A tiny protocol-2 assembler for hand-made state dicts. */
class P {
  private parts: number[] = [0x80, 0x02];
  op(...bytes: number[]): this {
    this.parts.push(...bytes);
    return this;
  }
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.op(0x58, b.length & 0xff, (b.length >> 8) & 0xff, 0, 0, ...b);
  }
  int(n: number): this {
    return this.op(0x4a, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
  }
  global(m: string, n: string): this {
    return this.op(...new TextEncoder().encode(`c${m}\n${n}\n`));
  }
  tuple(...items: ((p: P) => void)[]): this {
    this.op(0x28);
    for (const item of items) item(this);
    return this.op(0x74);
  }
  storage(type: string, key: string, numel: number): this {
    return this.tuple((p) => p.str("storage"), (p) => p.global("torch", type), (p) => p.str(key), (p) => p.str("cpu"), (p) => p.int(numel)).op(0x51);
  }
  emptyHooks(): this {
    return this.global("collections", "OrderedDict").op(0x29, 0x52);
  }
  bytes(): Uint8Array {
    return new Uint8Array([...this.parts, 0x2e]);
  }
}

function tensorOf(value: unknown, name: string): TTensor {
  const dict = value as TDict;
  const i = dict.keys.indexOf(name);
  return dict.values[i] as TTensor;
}

describe("restricted unpickler", () => {
  it("reads a _rebuild_tensor_v3 float8 tensor on an untyped storage (torch >= 2.1 layout)", () => {
    const p = new P().op(0x7d).str("w").global("torch._utils", "_rebuild_tensor_v3");
    p.tuple(
      (q) => q.storage("UntypedStorage", "0", 8),
      (q) => q.int(0),
      (q) => q.tuple((r) => r.int(2), (r) => r.int(4)),
      (q) => q.tuple((r) => r.int(4), (r) => r.int(1)),
      (q) => q.op(0x89),
      (q) => q.emptyHooks(),
      (q) => q.global("torch", "float8_e4m3fn"),
    ).op(0x52, 0x73);
    const r = unpickleRestricted(p.bytes());
    expect(r.ok).toBe(true);
    if (r.ok) expect(tensorOf(r.value, "w")).toMatchObject({ dtype: "float8_e4m3fn", shape: [2, 4], stride: [4, 1], storage: { key: "0", dtype: "uint8", numel: 8 } });
  });

  it("refuses SETITEM on a tensor (the CVE-2026-24747 write primitive)", () => {
    const p = new P().global("torch._utils", "_rebuild_tensor_v2");
    p.tuple((q) => q.storage("FloatStorage", "0", 1), (q) => q.int(0), (q) => q.tuple((r) => r.int(1)), (q) => q.tuple((r) => r.int(1)), (q) => q.op(0x89), (q) => q.emptyHooks());
    p.op(0x52).str("k").int(1).op(0x73);
    const r = unpickleRestricted(p.bytes());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.refusal).toMatchObject({ code: "call-not-allowed" });
  });

  it("refuses backward hooks that are not empty, and any other callable", () => {
    const hooks = new P().global("torch._utils", "_rebuild_tensor_v2");
    hooks.tuple((q) => q.storage("FloatStorage", "0", 1), (q) => q.int(0), (q) => q.tuple((r) => r.int(1)), (q) => q.tuple((r) => r.int(1)), (q) => q.op(0x89), (q) => q.op(0x7d).str("h").int(1).op(0x73)).op(0x52);
    const r1 = unpickleRestricted(hooks.bytes());
    expect(!r1.ok && r1.refusal.message).toMatch(/backward hooks/);
    const call = new P().global("os", "system").tuple((q) => q.str("id")).op(0x52);
    const r2 = unpickleRestricted(call.bytes());
    expect(!r2.ok && r2.refusal).toMatchObject({ code: "import-not-allowed" });
    const stackGlobal = new P().str("builtins").str("eval").op(0x93);
    expect(unpickleRestricted(stackGlobal.bytes()).ok).toBe(false);
  });

  it("refuses a tensor rebuild whose arguments are not literal sizes", () => {
    const p = new P().global("torch._utils", "_rebuild_tensor_v2");
    p.tuple((q) => q.storage("FloatStorage", "0", 1), (q) => q.int(0), (q) => q.str("x"), (q) => q.tuple((r) => r.int(1)), (q) => q.op(0x89), (q) => q.emptyHooks()).op(0x52);
    const r = unpickleRestricted(p.bytes());
    expect(!r.ok && r.refusal.code).toBe("bad-rebuild");
  });

  it("refuses complex and quantized storages with the reason", () => {
    const p = new P().storage("ComplexFloatStorage", "0", 1);
    const r = unpickleRestricted(p.bytes());
    expect(!r.ok && r.refusal.message).toMatch(/complex64 has no safetensors dtype/);
  });

  it("refuses an unset memo key and a truncated stream instead of guessing", () => {
    expect(unpickleRestricted(new P().op(0x68, 5).bytes()).ok).toBe(false);
    expect(unpickleRestricted(new Uint8Array([0x80, 0x02, 0x58, 0xff, 0xff])).ok).toBe(false);
  });
});
