// Differential regression folder for issue 8: every shape that once ran its payload in CPython
// (or crashed the scanner) and scanned clean, built in code, each with a benign near-miss.
import { describe, expect, it } from "vitest";
import { buildTar } from "../src/test-support/tar-builder.js";
import { buildZip } from "../src/test-support/zip-builder.js";
import { ruleIds, scanBytes } from "../src/test-support/scan.js";

const enc = new TextEncoder();
const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const PAYLOAD = "cos\nsystem\n(S'id'\ntR.";

/** First opcodes CPython accepts and older modelvet refused, before a protocol-0 payload. */
const FIRST_OPCODES = ["Finf\n", "F-inf\n", "Fnan\n", "FInfinity\n", "I0x10\n", "I1_000\n", "I0o17\n", "I0b101\n", "L1_0L\n", "I 7\n"];

describe("text-opcode forms CPython accepts lead to the payload", () => {
  for (const first of FIRST_OPCODES) {
    const stream = bytes(`${first}0${PAYLOAD}`);
    it(`${JSON.stringify(first)} then os.system, as a raw file`, async () => {
      const report = await scanBytes(stream, { path: "model.pkl" });
      expect(report.verdict).toBe("unsafe");
      expect(ruleIds(report)).toContain("PKL001");
    });
    it(`${JSON.stringify(first)} then os.system, as a zip member`, async () => {
      const report = await scanBytes(buildZip([{ name: "archive/data.pkl", data: stream }]), { path: "model.zip" });
      expect(report.verdict).toBe("unsafe");
      expect(ruleIds(report)).toContain("PKL001");
    });
  }

  it("near-miss: the same value forms with no import are clean", async () => {
    for (const first of FIRST_OPCODES) {
      const report = await scanBytes(bytes(`${first}.`), { path: "value.pkl" });
      expect(report.verdict, first).toBe("clean");
    }
  });
});

describe("a zip found at its tail, however much is prepended", () => {
  const pickle = bytes(`\x80\x02${PAYLOAD}`);
  it("more than 4 KiB before a zip holding a payload", async () => {
    const zip = buildZip([{ name: "archive/data.pkl", data: pickle }], { prepend: new Uint8Array(10_000).fill(0x20) });
    const report = await scanBytes(zip, { path: "model.bin" });
    expect(report.verdict).toBe("unsafe");
    expect(ruleIds(report)).toContain("PKL001");
  });
  it("near-miss: the same prefix before a clean zip is not unsafe", async () => {
    const zip = buildZip([{ name: "notes.txt", data: "hello" }], { prepend: new Uint8Array(10_000).fill(0x20) });
    const report = await scanBytes(zip, { path: "model.bin" });
    expect(report.verdict).not.toBe("unsafe");
  });
});

describe("Python-compatible JSON", () => {
  const notebook = (value: string, source: string): Uint8Array =>
    enc.encode(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", metadata: {}, execution_count: 1, source: [source], outputs: [{ output_type: "execute_result", data: { "text/html": ["<script>Jupyter.notebook.kernel.execute('import os; os.system(\"id\")')</script>"] }, metadata: {}, execution_count: 1 }] }] }).replace('"metadata":{}', `"metadata":{"score":${value}}`));
  it("a notebook carrying NaN is parsed and its script found", async () => {
    const report = await scanBytes(notebook("NaN", "x = 1"), { path: "analysis.ipynb" });
    expect(report.verdict).toBe("unsafe");
  });
  it("near-miss: the same notebook without script output is not unsafe", async () => {
    const clean = enc.encode(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { score: 1 }, cells: [{ cell_type: "code", metadata: {}, execution_count: 1, source: ["x = 1"], outputs: [] }] }).replace('"score":1', '"score":NaN'));
    const report = await scanBytes(clean, { path: "analysis.ipynb" });
    expect(report.verdict).toBe("clean");
  });
});

describe("the process is not brought down", () => {
  it("a flood of FRAME opcodes ends in a report, not a stack overflow", async () => {
    const frame = bytes("\x95\x01\x00\x00\x00\x00\x00\x00\x00");
    const flood = new Uint8Array(2 + frame.length * 400_000 + PAYLOAD.length);
    flood.set([0x80, 0x04]);
    for (let i = 0; i < 400_000; i++) flood.set(frame, 2 + i * frame.length);
    flood.set(bytes(PAYLOAD), 2 + frame.length * 400_000);
    const report = await scanBytes(flood, { path: "flood.pkl" });
    expect(report.verdict).not.toBe("clean");
  });

  it("the 10,001st concatenated pickle is not dropped silently", async () => {
    const one = bytes("\x80\x02N.");
    const many = new Uint8Array(one.length * 10_001 + PAYLOAD.length);
    for (let i = 0; i < 10_001; i++) many.set(one, i * one.length);
    many.set(bytes(PAYLOAD), one.length * 10_001);
    const report = await scanBytes(many, { path: "many.pkl" });
    expect(report.verdict).not.toBe("clean");
  });

  it("near-miss: a few concatenated plain pickles are clean", async () => {
    const report = await scanBytes(bytes("\x80\x02N.\x80\x02N.\x80\x02K\x01."), { path: "few.pkl" });
    expect(report.verdict).toBe("clean");
  });
});

describe("broken structure fails closed", () => {
  it("a tar cut inside a header block is an error", async () => {
    const tar = buildTar([{ name: "model/config.json", data: "{}" }, { name: "model/weights.bin", data: "x".repeat(100) }], { noEnd: true });
    const cut = tar.subarray(0, 512 + 512 + 200); // header 1, data 1, 200 bytes of header 2
    const report = await scanBytes(cut, { path: "model.tar" });
    expect(report.verdict).not.toBe("clean");
  });
  it("near-miss: the whole tar is clean", async () => {
    const tar = buildTar([{ name: "model/config.json", data: "{}" }, { name: "model/weights.bin", data: "x".repeat(100) }]);
    const report = await scanBytes(tar, { path: "model.tar" });
    expect(report.verdict).toBe("clean");
  });
});

describe("polyglots are read every way a loader reads them", () => {
  it("a tar whose last member is a torch zip is read as a tar first; the zip reading adds no differential noise", async () => {
    const { readFileSync } = await import("node:fs");
    const pt = readFileSync(new URL("../fixtures/torch/benign/checkpoint.bin", import.meta.url));
    const report = await scanBytes(buildTar([{ name: "model/config.json", data: "{}" }, { name: "model/model.pt", data: pt }]), { path: "model.tar" });
    expect(report.formats[0]).toBe("tar");
    expect(report.verdict).toBe("clean");
  });
  it("a payload hidden in the zip reading of a tar is still found", async () => {
    const evil = buildZip([{ name: "archive/data.pkl", data: bytes(`\x80\x02${PAYLOAD}`) }]);
    // The zip sits in the tar's trailing bytes, outside every tar member: only zipfile sees it.
    const tar = buildTar([{ name: "README.md", data: "hello" }], { append: evil });
    const report = await scanBytes(tar, { path: "model.tar" });
    expect(report.verdict).toBe("unsafe");
    expect(ruleIds(report)).toContain("PKL001");
  });
});
