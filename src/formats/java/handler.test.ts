import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { JAVA_RULES } from "../../rules/java/index.js";
import { RULES } from "../../rules/index.js";
import { everySource } from "../../test-support/stingy-source.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { buildZip } from "../../test-support/zip-builder.js";
import { FORMAT_HANDLERS } from "../index.js";
import { zipHandler } from "../zip/index.js";
import { javaHandler } from "./handler.js";
import { parseJavaStream } from "./parse.js";
import type { JavaStreamDocument } from "./types.js";

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../../fixtures/java/${name}`, import.meta.url)));
const scan = (bytes: Uint8Array, path = "sample.bin") =>
  scanSource(new MemorySource(bytes), { path, handlers: [...FORMAT_HANDLERS, zipHandler, javaHandler], rules: [...RULES, ...JAVA_RULES] });
const hint = (name = "x.bin", parents: string[] = []) => ({ name, size: 100, parents });

describe("javaHandler sniff", () => {
  it("is strong on the magic at offset 0", () => {
    expect(javaHandler.sniff(fixture("benign/hashmap_params.ser"), hint())).toBe("strong");
  });
  it("is weak on the magic further into the head", () => {
    expect(javaHandler.sniff(new Uint8Array([1, 2, 0xac, 0xed, 0, 5, 0x70]), hint())).toBe("weak");
  });
  it("is weak on blob-named zip members only", () => {
    expect(javaHandler.sniff(new Uint8Array(8), hint("t00_000.bin", ["zip"]))).toBe("weak");
    expect(javaHandler.sniff(new Uint8Array(8), hint("t00_000.bin"))).toBe("no");
    expect(javaHandler.sniff(new Uint8Array(8), hint("readme.md", ["zip"]))).toBe("no");
  });
});

describe("javaHandler analyze", () => {
  for (const { name, make } of everySource(fixture("malicious/commons_beanutils1.ser"))) {
    it(`lists the CommonsBeanutils1 classes from a ${name} source`, async () => {
      const analysis = await javaHandler.analyze(make(), testScanContext());
      const doc = analysis?.document as JavaStreamDocument;
      expect(analysis?.format).toBe("java-serialized");
      expect(doc.classes.map((c) => c.name)).toEqual(expect.arrayContaining(["java.util.PriorityQueue", "org.apache.commons.beanutils.BeanComparator", "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl"]));
      // Both TemplatesImpl share one payload array: the second is a back-reference.
      expect(doc.byteArrays.filter((a) => a.kind === "class-file")).toHaveLength(1);
      expect(analysis?.defects).toEqual([]);
    });
  }

  it("scans a stream nested in SignedObject as a member", async () => {
    const report = await scan(fixture("malicious/signed_object_nested_beanutils1.ser"), "model.ser");
    const gadget = report.findings.find((f) => f.ruleId === "JAVA001");
    expect(gadget?.location.member).toMatch(/^java@\d+$/);
    expect(report.verdict).toBe("unsafe");
  });

  it("finds a stream embedded after other bytes and keeps random magic out", async () => {
    const junk = new Uint8Array([9, 9, 0xac, 0xed, 0x00, 0x05, 0xff, 0xff, 1, 2, 3]);
    const stream = fixture("malicious/urldns.ser");
    const bytes = new Uint8Array([...junk, ...stream, 0, 0, 0]);
    const report = await scan(bytes);
    expect(report.formats).toEqual(["java-embedded", "java-serialized"]);
    expect(report.findings.map((f) => f.location.member)).toContain(`java@${junk.length}`);
    expect(await scan(junk).then((r) => r.formats)).toEqual([]);
  });

  it("leaves a protocol-1 pickle that carries a Java stream to the pickle handler", async () => {
    const stream = fixture("malicious/urldns.ser");
    const n = stream.length;
    const pickle = new Uint8Array([...new TextEncoder().encode("cos\nsystem\n"), 0x54, n & 0xff, (n >>> 8) & 0xff, 0, 0, ...stream, 0x85, 0x52, 0x2e]);
    const report = await scan(pickle, "model.bin");
    expect(report.formats[0]).toBe("pickle");
    expect(report.findings.map((f) => f.ruleId)).toContain("PKL001");
  });

  it("finds a stream inside a blob-named zip member beyond the first 4 KiB", async () => {
    const blob = new Uint8Array([...new Uint8Array(9000).fill(7), ...fixture("malicious/commons_collections6.ser")]);
    const zip = buildZip([{ name: "trees/t00_000.bin", data: blob }]);
    const report = await scan(zip, "model.zip");
    expect(report.findings.some((f) => f.ruleId === "JAVA001" && f.location.member === "trees/t00_000.bin!java@9000")).toBe(true);
  });

  it("reports a truncated stream as a fatal defect with what was parsed", async () => {
    const bytes = fixture("malicious/commons_beanutils1.ser").subarray(0, 300);
    const analysis = await javaHandler.analyze(new MemorySource(bytes), testScanContext());
    expect(analysis?.defects.some((d) => d.code === "truncated" && d.fatal)).toBe(true);
    expect((analysis?.document as JavaStreamDocument).classes.map((c) => c.name)).toContain("org.apache.commons.beanutils.BeanComparator");
  });
});

describe("parseJavaStream bounds", () => {
  const header = [0xac, 0xed, 0x00, 0x05];
  const utf = (s: string): number[] => [0, s.length, ...new TextEncoder().encode(s)];
  it("rejects an array longer than the bytes left instead of looping", () => {
    // TC_ARRAY, classdesc [Ljava.lang.Object; (flags 02, 0 fields, no annotation, no super), size 0x7fffffff
    const bytes = new Uint8Array([...header, 0x75, 0x72, ...utf("[Ljava.lang.Object;"), 0, 0, 0, 0, 0, 0, 0, 1, 0x02, 0, 0, 0x78, 0x70, 0x7f, 0xff, 0xff, 0xff]);
    const { document } = parseJavaStream(bytes);
    expect(document.defects[0]?.code).toBe("java-bad-length");
  });
  it("stops at the nesting limit", () => {
    // Nested Object[] arrays of one element each, 600 deep: one over JAVA_MAX_DEPTH (512) is a limit defect.
    const desc = [0x72, ...utf("[Ljava.lang.Object;"), 0, 0, 0, 0, 0, 0, 0, 1, 0x02, 0, 0, 0x78, 0x70];
    const parts: number[] = [...header, 0x75, ...desc, 0, 0, 0, 1];
    for (let i = 1; i < 600; i++) parts.push(0x75, 0x71, 0x00, 0x7e, 0x00, 0x00, 0, 0, 0, 1);
    parts.push(0x70);
    const { document } = parseJavaStream(new Uint8Array(parts));
    expect(document.defects[0]).toMatchObject({ code: "limit-exceeded", limit: "JAVA_MAX_DEPTH" });
    const ok = [...header, 0x75, ...desc, 0, 0, 0, 1];
    for (let i = 1; i < 511; i++) ok.push(0x75, 0x71, 0x00, 0x7e, 0x00, 0x00, 0, 0, 0, 1);
    ok.push(0x70);
    expect(parseJavaStream(new Uint8Array(ok)).document.defects).toEqual([]);
  });
  it("rejects a reference to a handle that does not exist", () => {
    const { document } = parseJavaStream(new Uint8Array([...header, 0x71, 0x00, 0x7e, 0x00, 0x05]));
    expect(document.defects[0]?.code).toBe("java-bad-handle");
  });
  it("rejects a superclass chain that loops back to itself", () => {
    // TC_OBJECT, classdesc A whose super is a reference to its own handle.
    const bytes = new Uint8Array([...header, 0x73, 0x72, ...utf("A"), 0, 0, 0, 0, 0, 0, 0, 1, 0x02, 0, 0, 0x78, 0x71, 0x00, 0x7e, 0x00, 0x00]);
    expect(parseJavaStream(bytes).document.defects[0]?.code).toBe("java-bad-descriptor");
  });
  it("parses a TC_RESET, TC_ENUM and TC_LONGSTRING", () => {
    const long = new TextEncoder().encode("x".repeat(300));
    const bytes = new Uint8Array([
      ...header,
      0x79,
      0x7e, 0x72, ...utf("a.Mode"), 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0, 0, 0x78, 0x70, 0x74, ...utf("FAST"),
      0x7c, 0, 0, 0, 0, 0, 0, 1, 44, ...long,
    ]);
    const { document } = parseJavaStream(bytes);
    expect(document.defects).toEqual([]);
    expect(document.enums).toBe(1);
    expect(document.strings.map((s) => s.truncated)).toEqual([false, true]);
  });
});
