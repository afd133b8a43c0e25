import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { JAVA_RULES } from "../../rules/java/index.js";
import { RULES } from "../../rules/index.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { everySource } from "../../test-support/stingy-source.js";
import { FORMAT_HANDLERS } from "../index.js";
import { javaHandler } from "../java/index.js";
import { zipHandler } from "../zip/index.js";
import { h2oBinaryHandler, h2oMojoHandler, type H2oBinaryDocument, type H2oMojoDocument } from "./handler.js";
import { parseIcedHeader } from "./iced-header.js";

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../../fixtures/h2o/${name}`, import.meta.url)));
const scan = (name: string) =>
  scanSource(new MemorySource(fixture(name)), { path: name, handlers: [...FORMAT_HANDLERS, zipHandler, javaHandler, h2oBinaryHandler, h2oMojoHandler], rules: [...RULES, ...JAVA_RULES] });

describe("H2O binary (Iced) models", () => {
  it("reads the version and type map", () => {
    const header = parseIcedHeader(fixture("benign/gbm_binary_model.bin"));
    expect(header?.version).toBe("3.46.0.6");
    expect(header?.typeMap).toContain("hex.tree.gbm.GBMModel");
    expect(header?.typeMap[0]).toBeNull();
    expect(header?.typeMapComplete).toBe(true);
  });
  it("does not take other 1C ED files for H2O", () => {
    expect(h2oBinaryHandler.sniff(new Uint8Array([0x1c, 0xed, 4, 0x61, 0x62, 0x63]), { name: "x", size: 6, parents: [] })).toBe("no");
  });
  for (const { name, make } of everySource(fixture("malicious/gbm_binary_commons_beanutils1.bin"))) {
    it(`finds the embedded CommonsBeanutils1 stream (${name} source)`, async () => {
      const analysis = await h2oBinaryHandler.analyze(make(), testScanContext());
      const doc = analysis?.document as H2oBinaryDocument;
      expect(doc.javaStreams).toHaveLength(1);
      expect(analysis?.members?.[0]?.path).toBe(`java@${doc.javaStreams[0]}`);
    });
  }
  it("reports the gadget chain inside the model as critical (CVE-2024-6960)", async () => {
    const report = await scan("malicious/gbm_binary_commons_beanutils1.bin");
    expect(report.verdict).toBe("unsafe");
    expect(report.formats).toEqual(["h2o-binary", "java-serialized"]);
    const gadget = report.findings.find((f) => f.ruleId === "JAVA001");
    expect(gadget?.severity).toBe("critical");
    expect(gadget?.message).toContain("embedded in h2o-binary");
    expect(gadget?.location.member).toMatch(/^java@\d+$/);
    expect(report.errors).toEqual([]);
  });
  it("reports any serialized object inside the model as high", async () => {
    const report = await scan("malicious/gbm_binary_serialized_hashmap.bin");
    expect(report.findings.map((f) => f.ruleId).sort()).toEqual(["JAVA002", "JAVA004"]);
  });
});

describe("H2O MOJO", () => {
  it("names a MOJO zip and parses model.ini", async () => {
    const report = await scan("benign/gbm_mojo.zip");
    expect(report.formats).toEqual(["zip", "h2o-mojo"]);
    expect(report.notes.join("\n")).toMatch(/H2O MOJO model\.ini: Gradient Boosting Machine, mojo_version 1\.40/);
    expect(report.verdict).toBe("clean");
  });
  it("parses the ini sections", async () => {
    const text = new TextEncoder().encode("[info]\nh2o_version = 3.46.0.6\nalgo = glm\n\n[columns]\na\nb\n\n[domains]\n1: 2 d000.txt\n");
    const analysis = await h2oMojoHandler.analyze(new MemorySource(text), testScanContext({}, { name: "model.ini", parents: ["zip"] }));
    const doc = analysis?.document as H2oMojoDocument;
    expect(doc.ini.columns).toEqual(["a", "b"]);
    expect(doc.ini.domains).toEqual([{ column: 1, count: 2, file: "d000.txt" }]);
  });
  it("finds a gadget stream hidden in a tree blob", async () => {
    const report = await scan("malicious/gbm_mojo_tree_with_commons_collections6.zip");
    expect(report.findings.find((f) => f.ruleId === "JAVA001")?.location.member).toBe("trees/t00_000.bin!java@37");
    expect(report.formats).toEqual(["zip", "h2o-mojo", "java-embedded", "java-serialized"]);
  });
});
