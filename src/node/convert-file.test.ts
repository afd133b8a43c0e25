import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemorySource } from "../core/byte-source.js";
import { readSafetensors } from "../formats/safetensors/header.js";
import { defaultPolicy } from "../policy/default.js";
import { convertPath } from "./convert-file.js";
import { scanPaths } from "./scan-paths.js";

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "modelvet-convert-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Expected {
  outcome: "converted" | "refused";
  why?: string;
  tensors?: { name: string; dtype: string; shape: number[]; sha256: string }[];
  removed?: Record<string, string>;
  stateDictKey?: string;
}

const expected = JSON.parse(readFileSync(join(FIXTURES, "convert/expected.json"), "utf8")) as { files: Record<string, Expected> };
const policy = defaultPolicy();

/** Tensors of a safetensors file as the strict reader sees them, with the digest of each one's bytes. */
function tensorsOf(bytes: Uint8Array): Promise<{ name: string; dtype: string; shape: number[]; sha256: string }[]> {
  return readSafetensors(new MemorySource(bytes)).then(({ document }) => {
    expect(document.problems).toEqual([]);
    const start = 8 + (document.headerLength ?? 0);
    return document.tensors
      .map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape.map(Number), sha256: createHash("sha256").update(bytes.subarray(start + Number(t.begin), start + Number(t.end))).digest("hex") }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  });
}

describe("modelvet convert against torch's own reading (fixtures/convert/expected.json)", () => {
  for (const [rel, want] of Object.entries(expected.files)) {
    it(`${rel}: ${want.outcome}`, async () => {
      const out = join(work, `${rel.replaceAll("/", "_")}.safetensors`);
      const result = await convertPath(join(FIXTURES, rel), { policy, out });
      const file = result.files[0];
      if (want.outcome === "refused") {
        expect(file?.refused, `modelvet converted a file torch refuses (${want.why})`).toBeDefined();
        return;
      }
      expect(file?.refused).toBeUndefined();
      const bytes = new Uint8Array(readFileSync(out));
      expect(await tensorsOf(bytes)).toEqual(want.tensors);
      const { document } = await readSafetensors(new MemorySource(bytes));
      const metadata = Object.fromEntries(document.metadata.map((m) => [m.key, m.value]));
      expect(metadata.format).toBe("pt");
      expect(metadata.source_sha256).toBe(createHash("sha256").update(readFileSync(join(FIXTURES, rel))).digest("hex"));
      for (const [removed, kept] of Object.entries(want.removed ?? {})) expect(metadata[removed]).toBe(kept);
      expect(file?.plan?.stateDictKey).toBe(want.stateDictKey);
      const scan = await scanPaths([out], { policy });
      expect(scan.files[0]?.verdict).toBe("clean");
    });
  }
});

describe("modelvet convert refuses hostile checkpoints", () => {
  const manifest = JSON.parse(readFileSync(join(FIXTURES, "torch/manifest.json"), "utf8")) as { file: string; verdict: string }[];
  const hostile = manifest.filter((e) => e.file.startsWith("hostile/") && e.verdict !== "clean");
  for (const entry of hostile) {
    it(`refuses torch/${entry.file}`, async () => {
      const out = join(work, `hostile-${basename(entry.file)}.safetensors`);
      const result = await convertPath(join(FIXTURES, "torch", entry.file), { policy, out });
      expect(result.files[0]?.refused).toBeDefined();
      expect(() => readFileSync(out)).toThrow();
    });
  }
  it("refuses a payload pickle even when the scan is skipped by a permissive policy: the restricted reader names the call", async () => {
    const { planConversion } = await import("../convert/checkpoint.js");
    const r = await planConversion(new MemorySource(new Uint8Array(readFileSync(join(FIXTURES, "torch/hostile/pkl001_zip_data_pkl_print.pt")))));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.refusal.message).toMatch(/__builtin__\.print/);
  });
});

describe("sharded checkpoints", () => {
  it("converts every shard and writes model.safetensors.index.json with the same layout", async () => {
    const out = join(work, "sharded");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(out);
    const result = await convertPath(join(FIXTURES, "convert/sharded/pytorch_model.bin.index.json"), { policy, out });
    expect(result.files.map((f) => f.refused)).toEqual([undefined, undefined]);
    expect(result.index).toBe(join(out, "model.safetensors.index.json"));
    const index = JSON.parse(readFileSync(join(out, "model.safetensors.index.json"), "utf8")) as { weight_map: Record<string, string>; metadata: unknown };
    expect(index.weight_map).toEqual({ "a.weight": "model-00001-of-00002.safetensors", "a.bias": "model-00001-of-00002.safetensors", "b.weight": "model-00002-of-00002.safetensors" });
    for (const shard of ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]) {
      const names = (await tensorsOf(new Uint8Array(readFileSync(join(out, shard))))).map((t) => t.name);
      expect(names.every((n) => index.weight_map[n] === shard)).toBe(true);
    }
  });

  it("refuses an index whose shard names leave the folder", async () => {
    const index = join(work, "evil.bin.index.json");
    writeFileSync(index, JSON.stringify({ weight_map: { w: "../../etc/passwd" } }));
    const result = await convertPath(index, { policy });
    expect(result.files[0]?.refused).toMatch(/not a plain file name/);
  });
});

describe("output safety", () => {
  it("does not overwrite an existing output unless asked", async () => {
    const out = join(work, "exists.safetensors");
    writeFileSync(out, "keep");
    await expect(convertPath(join(FIXTURES, "torch/benign/state_dict.pt"), { policy, out })).rejects.toThrow(/EEXIST/);
    expect(readFileSync(out, "utf8")).toBe("keep");
    await convertPath(join(FIXTURES, "torch/benign/state_dict.pt"), { policy, out, overwrite: true });
    expect(readFileSync(out).length).toBeGreaterThan(100);
  });

  it("takes the weights from --state-dict-key", async () => {
    const out = join(work, "key.safetensors");
    const result = await convertPath(join(FIXTURES, "convert/nested_model_key.pt"), { policy, out, stateDictKey: "model.encoder" });
    expect(result.files[0]?.plan?.tensors.map((t) => t.name).sort()).toEqual(["layer.0.w", "layer.1.w"]);
  });
});
