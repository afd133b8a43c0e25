import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { buildSafetensors } from "../../test-support/safetensors-builder.js";
import { everySource } from "../../test-support/stingy-source.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { safetensorsHandler } from "./handler.js";
import { MAX_HEADER_BYTES, MAX_HEADER_DEPTH, MAX_PROBLEMS_PER_KIND, readSafetensors } from "./header.js";

const kinds = (doc: { problems: { kind: string }[] }): string[] => [...new Set(doc.problems.map((p) => p.kind))].sort();
const hint = { name: "x", size: 0, parents: [] };

describe("readSafetensors", () => {
  const valid = buildSafetensors({ metadata: { format: "pt" }, tensors: [{ name: "b", dtype: "F32", shape: [2, 3] }, { name: "a", dtype: "BF16", shape: [5] }] });
  for (const { name, make } of everySource(valid)) {
    it(`reads a valid file through a ${name} source`, async () => {
      const { document, defects } = await readSafetensors(make());
      expect(document.problems).toEqual([]);
      expect(defects).toEqual([]);
      expect(document.tensors.map((t) => [t.name, t.dtype, t.shape.map(Number), Number(t.begin), Number(t.end)])).toEqual([
        ["b", "F32", [2, 3], 0, 24],
        ["a", "BF16", [5], 24, 34],
      ]);
      expect(document.metadata).toEqual([{ key: "format", value: "pt", offset: 25 }]);
    });
  }

  it("reads only the length and the header, never tensor data", async () => {
    const bytes = buildSafetensors({ tensors: [{ name: "w", dtype: "F32", shape: [1024, 1024] }] });
    const source = new MemorySource(bytes);
    const { document } = await readSafetensors(source);
    expect(document.problems).toEqual([]);
    expect(source.stats.bytesRead).toBe(8 + (document.headerLength ?? 0));
    expect(source.stats.bytesRead).toBeLessThan(200);
  });

  it("accepts a declared length at the limit and rejects one past it", async () => {
    const at = await readSafetensors(new MemorySource(buildSafetensors({ header: "{}", headerLength: BigInt(MAX_HEADER_BYTES) })));
    expect(at.document.problems[0]?.message).toContain("runs past the end");
    const over = await readSafetensors(new MemorySource(buildSafetensors({ header: "{}", headerLength: BigInt(MAX_HEADER_BYTES + 1) })));
    expect(over.document.problems[0]?.message).toContain("HeaderTooLarge");
  });

  it("accepts nesting at the depth limit and reports one level more", async () => {
    const nest = (n: number): string => `{"__metadata__":${"[".repeat(n - 1)}${"]".repeat(n - 1)}}`;
    const at = await readSafetensors(new MemorySource(buildSafetensors({ header: nest(MAX_HEADER_DEPTH) })));
    expect(kinds(at.document)).toEqual(["metadata-type"]);
    const over = await readSafetensors(new MemorySource(buildSafetensors({ header: nest(MAX_HEADER_DEPTH + 1) })));
    expect(kinds(over.document)).toEqual(["header-invalid"]);
  });

  it("keeps the last duplicate, as the reference loader does", async () => {
    const { document } = await readSafetensors(new MemorySource(buildSafetensors({ header: '{"__metadata__":{"a":"first"},"__metadata__":{"a":"second"}}' })));
    expect(document.metadata.map((m) => m.value)).toEqual(["second"]);
    expect(kinds(document)).toEqual(["duplicate-key"]);
  });

  it("lists at most MAX_PROBLEMS_PER_KIND problems of a kind, then says more follow", async () => {
    const tensors = Array.from({ length: 30 }, (_, i) => ({ name: `t${i}`, dtype: "X9", shape: [1], offsets: [0, 0] as [number, number] }));
    const { document } = await readSafetensors(new MemorySource(buildSafetensors({ tensors })));
    const unknown = document.problems.filter((p) => p.kind === "unknown-dtype");
    expect(unknown).toHaveLength(MAX_PROBLEMS_PER_KIND + 1);
    expect(unknown.at(-1)?.message).toContain("More problems");
  });

  it("sniffs strong on a plausible length and '{', weak on an oversized length, not at all otherwise", () => {
    expect(safetensorsHandler.sniff(buildSafetensors({ header: "{}" }), hint)).toBe("strong");
    expect(safetensorsHandler.sniff(buildSafetensors({ header: "{}", headerLength: 1n << 40n }), hint)).toBe("weak");
    expect(safetensorsHandler.sniff(new TextEncoder().encode('{"a": 1, "b": 2}'), hint)).toBe("no");
  });

  it("hands trailing bytes down as a speculative member", async () => {
    const bytes = buildSafetensors({ tensors: [{ name: "w", dtype: "U8", shape: [1] }], trailing: new Uint8Array([0x80, 4, 0x4e, 0x2e]) });
    const analysis = await safetensorsHandler.analyze(new MemorySource(bytes), testScanContext());
    expect(analysis?.members?.map((m) => [m.path.startsWith("trailing@"), m.speculative, m.source.size])).toEqual([[true, true, 4]]);
  });
});
