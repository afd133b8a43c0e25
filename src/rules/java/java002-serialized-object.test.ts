import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { javaHandler } from "../../formats/java/index.js";
import { RULES } from "../index.js";
import { JAVA_RULES } from "./index.js";

const scan = (bytes: Uint8Array) => scanSource(new MemorySource(bytes), { path: "params.ser", handlers: [...FORMAT_HANDLERS, javaHandler], rules: [...RULES, ...JAVA_RULES] });

describe("JAVA002 serialized object", () => {
  it("lists the classes of a benign-looking HashMap stream", async () => {
    const bytes = new Uint8Array(readFileSync(new URL("../../../fixtures/java/benign/hashmap_params.ser", import.meta.url)));
    const report = await scan(bytes);
    const finding = report.findings.find((f) => f.ruleId === "JAVA002");
    expect(finding?.severity).toBe("high");
    expect(finding?.message).toMatch(/java\.util\.HashMap.*java\.util\.LinkedHashMap/);
    expect(report.verdict).toBe("unsafe");
  });
  it("ignores a stream with no class descriptor (a bare string)", async () => {
    const text = new TextEncoder().encode("hello");
    const report = await scan(new Uint8Array([0xac, 0xed, 0x00, 0x05, 0x74, 0x00, text.length, ...text]));
    expect(report.formats).toEqual(["java-serialized"]);
    expect(report.findings.map((f) => f.ruleId)).not.toContain("JAVA002");
  });
});
