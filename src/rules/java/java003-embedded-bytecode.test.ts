import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { javaHandler } from "../../formats/java/index.js";
import { RULES } from "../index.js";
import { JAVA_RULES } from "./index.js";

const scan = (bytes: Uint8Array) => scanSource(new MemorySource(bytes), { path: "x.ser", handlers: [...FORMAT_HANDLERS, javaHandler], rules: [...RULES, ...JAVA_RULES] });
const header = [0xac, 0xed, 0x00, 0x05];
/** TC_ARRAY of class [B (flags SC_SERIALIZABLE, no fields, no annotation, no super) holding `data`. */
const byteArray = (data: number[]) => new Uint8Array([...header, 0x75, 0x72, 0, 2, 0x5b, 0x42, 0xac, 0xf3, 0x17, 0xf8, 0x06, 0x08, 0x54, 0xe0, 0x02, 0, 0, 0x78, 0x70, 0, 0, 0, data.length, ...data]);

describe("JAVA003 embedded bytecode", () => {
  it("finds the TemplatesImpl class file in CommonsBeanutils1", async () => {
    const bytes = new Uint8Array(readFileSync(new URL("../../../fixtures/java/malicious/commons_beanutils1.ser", import.meta.url)));
    const report = await scan(bytes);
    expect(report.findings.filter((f) => f.ruleId === "JAVA003")).toHaveLength(1);
  });
  it("finds a class file in a bare byte[]", async () => {
    const report = await scan(byteArray([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x3d, 1, 2]));
    expect(report.findings.map((f) => f.ruleId)).toContain("JAVA003");
  });
  it("ignores a byte[] that only contains CAFEBABE later", async () => {
    const report = await scan(byteArray([0, 0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x3d, 1]));
    expect(report.findings.map((f) => f.ruleId)).not.toContain("JAVA003");
  });
});
