import { describe, expect, it } from "vitest";
import { MemorySource } from "../core/byte-source.js";
import type { FormatHandler } from "../core/handler.js";
import { defaultPolicy } from "../policy/default.js";
import { PickleBuilder as P } from "../test-support/pickle-builder.js";
import { findImportShape, lfsPointer } from "./recognize.js";
import { scanSource } from "./scan.js";

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const scan = (bytes: Uint8Array, path: string, extra: Parameters<typeof scanSource>[1] extends infer O ? Partial<O> : never = {}) =>
  scanSource(new MemorySource(bytes), { path, ...extra });

const LFS = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";

describe("recognition owned by the engine", () => {
  it("a Git LFS pointer where a model should be fails closed and says the model was never scanned", async () => {
    const report = await scan(text(LFS), "pytorch_model.bin");
    expect(report.verdict).toBe("error");
    expect(report.errors[0]?.code).toBe("lfs-pointer");
    expect(report.errors[0]?.message).toContain("never scanned");
  });

  it("near-miss: text that mentions git-lfs is not a pointer", async () => {
    expect(lfsPointer(text("See version https://git-lfs.github.com/spec/v1 for details\n"), 60)).toBeUndefined();
    const report = await scan(text("We use Git LFS: version https://git-lfs.github.com/spec/v1\n"), "NOTES.md");
    expect(report.verdict).toBe("clean");
  });

  it("an empty file under a model name is an error; an empty README is clean", async () => {
    const model = await scan(new Uint8Array(), "pytorch_model.bin");
    expect(model.verdict).toBe("error");
    expect(model.errors[0]?.code).toBe("empty");
    const readme = await scan(new Uint8Array(), "README.md");
    expect(readme.verdict).toBe("clean");
  });

  it("bytes with a pickle import of a known dangerous global that no handler accepts fail closed", async () => {
    // Junk first byte (not an opcode), then a protocol-0 import: no handler claims it.
    const bytes = text("\u0001junk\ncos\nsystem\n(S'id'\ntR.");
    const report = await scan(bytes, "weights.dat");
    expect(report.verdict).not.toBe("clean");
    expect(report.errors.map((e) => e.code)).toContain("unrecognised");
    expect(report.errors[0]?.message).toContain("os.system");
  });

  it("finds a protocol-4 STACK_GLOBAL import shape anywhere in binary data", () => {
    const pickle = new P().proto(4).unicode("builtins").memoize().unicode("eval").memoize().stackGlobal().unicode("1").tuple1().reduce().stop().toBytes();
    expect(pickle.includes(0x63)).toBe(false);
    const blob = new Uint8Array(100 + pickle.length);
    blob.fill(0xff, 0, 100);
    blob.set(pickle, 100);
    expect(findImportShape(blob, defaultPolicy())?.name).toBe("builtins.eval");
  });

  it("near-miss: prose with words on lines is not an import", async () => {
    const report = await scan(text("\u0001catalog\nitems\nmore words here\n"), "notes.dat");
    expect(report.verdict).toBe("clean");
    expect(findImportShape(text("catalog\nitems\n"), defaultPolicy())).toBeUndefined();
  });

  it("a zip end record that nothing accepts is unrecognised, not 'not a model'", async () => {
    const eocd = new Uint8Array(22);
    eocd.set([0x50, 0x4b, 0x05, 0x06]);
    eocd[10] = 5; // 5 entries on paper, none to be found
    const bytes = new Uint8Array(5000 + 22);
    bytes.fill(0x41, 0, 5000);
    bytes.set(eocd, 5000);
    const report = await scan(bytes, "blob.bin", { handlers: [] });
    expect(report.errors.map((e) => e.code)).toEqual(["unrecognised"]);
  });

  it("a strong claim that the handler then withdraws is an error, not 'not a model'", async () => {
    const claimer: FormatHandler = { id: "fussy", priority: 1, sniff: () => "strong", analyze: () => Promise.resolve(undefined) };
    const report = await scan(text("anything"), "x.bin", { handlers: [claimer] });
    expect(report.verdict).toBe("error");
    expect(report.errors[0]?.message).toContain("fussy");
  });

  it("handlers see the tail: a structure at the end is recognised however much is prepended", async () => {
    let seenTail: Uint8Array | undefined;
    const tailReader: FormatHandler = {
      id: "tail-reader",
      priority: 1,
      sniff: (_head, hint) => {
        seenTail = hint.tail;
        return "no";
      },
      analyze: () => Promise.resolve(undefined),
    };
    const bytes = new Uint8Array(200_000);
    bytes[bytes.length - 1] = 7;
    await scan(bytes, "x.bin", { handlers: [tailReader] });
    expect(seenTail?.length).toBe(65_557);
    expect(seenTail?.[seenTail.length - 1]).toBe(7);
  });

  it("an exception inside a handler keeps the findings made before it and fails closed", async () => {
    const thrower: FormatHandler = { id: "boom", priority: 100, sniff: () => "strong", analyze: () => Promise.reject(new Error("bug")) };
    const report = await scan(P.call("os", "system", "id"), "x.pkl", { handlers: [thrower] });
    expect(report.verdict).toBe("error");
    expect(report.errors[0]?.code).toBe("internal-error");
  });

  it("the per-file time limit ends the scan with a timeout error", async () => {
    let t = 0;
    const report = await scan(P.call("builtins", "print", "x"), "x.pkl", { now: () => (t += 1000), limits: { maxMillisPerFile: 10 } });
    expect(report.errors.map((e) => e.code)).toContain("timeout");
    expect(report.verdict).not.toBe("clean");
  });
});
