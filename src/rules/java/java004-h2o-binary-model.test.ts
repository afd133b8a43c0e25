import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { h2oBinaryHandler, h2oMojoHandler } from "../../formats/h2o/index.js";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { javaHandler } from "../../formats/java/index.js";
import { zipHandler } from "../../formats/zip/index.js";
import { RULES } from "../index.js";
import { JAVA_RULES } from "./index.js";

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../../fixtures/h2o/${name}`, import.meta.url)));
const scan = (name: string) =>
  scanSource(new MemorySource(fixture(name)), { path: name, handlers: [...FORMAT_HANDLERS, zipHandler, javaHandler, h2oBinaryHandler, h2oMojoHandler], rules: [...RULES, ...JAVA_RULES] });

describe("JAVA004 H2O binary model", () => {
  it("flags an H2O binary model as low even without a Java stream", async () => {
    const report = await scan("benign/gbm_binary_model.bin");
    expect(report.formats).toEqual(["h2o-binary"]);
    expect(report.findings.map((f) => [f.ruleId, f.severity])).toEqual([["JAVA004", "low"]]);
    expect(report.verdict).toBe("clean");
  });
  it("does not fire on a MOJO", async () => {
    const report = await scan("benign/gbm_mojo.zip");
    expect(report.formats).toContain("h2o-mojo");
    expect(report.findings.map((f) => f.ruleId)).not.toContain("JAVA004");
  });
});
