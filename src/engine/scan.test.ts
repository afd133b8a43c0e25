import { describe, expect, it } from "vitest";
import { MemorySource } from "../core/byte-source.js";
import { PickleBuilder as P } from "../test-support/pickle-builder.js";
import { scanSource } from "./scan.js";

/** A pickle holding `depth` levels of pickles in bytes values, the innermost calling os.system. */
function nested(depth: number): Uint8Array {
  let inner = P.call("os", "system", "id");
  for (let i = 0; i < depth; i++) inner = new P().proto(4).bytes(inner).stop().toBytes();
  return inner;
}

describe("engine", () => {
  it("reports where a finding sits inside nested members", async () => {
    const report = await scanSource(new MemorySource(nested(2)), { path: "outer.pkl" });
    const hit = report.findings.find((f) => f.ruleId === "PKL001");
    expect(hit?.location.member).toMatch(/^bytes@\d+!bytes@\d+$/);
  });

  it("maxNestingDepth: at the limit the payload is found, one past it fails closed", async () => {
    const at = await scanSource(new MemorySource(nested(3)), { path: "a.pkl", limits: { maxNestingDepth: 3 } });
    expect(at.findings.map((f) => f.ruleId)).toContain("PKL001");
    // Nested payloads are speculative members, so the depth error is not raised for them; the
    // limit still stops the descent (the payload is not reached).
    const past = await scanSource(new MemorySource(nested(4)), { path: "a.pkl", limits: { maxNestingDepth: 3 } });
    expect(past.findings.map((f) => f.ruleId)).not.toContain("PKL001");
  });

  it("maxMembers: one past the limit is an error", async () => {
    const many = new P().proto(4).mark();
    for (let i = 0; i < 4; i++) many.bytes(new P().proto(4).unicode(`member ${i}`).stop().toBytes());
    const bytes = many.raw(0x6c).stop().toBytes();
    const at = await scanSource(new MemorySource(bytes), { path: "m.pkl", limits: { maxMembers: 4 } });
    expect(at.errors).toEqual([]);
    const past = await scanSource(new MemorySource(bytes), { path: "m.pkl", limits: { maxMembers: 3 } });
    expect(past.errors.map((e) => e.message)).toEqual([expect.stringContaining("maxMembers")]);
    expect(past.verdict).not.toBe("clean");
  });

  it("turns an I/O failure into an error verdict instead of throwing", async () => {
    const broken = { size: 10, stats: { bytesRead: 0, reads: 0 }, read: () => Promise.reject(new Error("disk on fire")), slice: () => broken };
    const report = await scanSource(broken, { path: "x" });
    expect(report.verdict).toBe("error");
  });

  it("marks a README as clean, not a model", async () => {
    const report = await scanSource(new MemorySource(new TextEncoder().encode("# My model\n\nTrained on cats.\n")), { path: "README.md" });
    expect(report.verdict).toBe("clean");
    expect(report.notes).toEqual(["Not a model format (text); nothing to scan."]);
  });
});
