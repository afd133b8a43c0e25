import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanSource } from "../../engine/scan.js";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { javaHandler } from "../../formats/java/index.js";
import { RULES } from "../index.js";
import { JAVA_RULES } from "./index.js";

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../../fixtures/java/${name}`, import.meta.url)));
const scan = (name: string) => scanSource(new MemorySource(fixture(name)), { path: name, handlers: [...FORMAT_HANDLERS, javaHandler], rules: [...RULES, ...JAVA_RULES] });
const hits = async (name: string): Promise<string[]> => (await scan(name)).findings.filter((f) => f.ruleId === "JAVA001").map((f) => f.message);

describe("JAVA001 gadget class", () => {
  it("flags CommonsBeanutils1 (BeanComparator + TemplatesImpl in a PriorityQueue)", async () => {
    const messages = await hits("malicious/commons_beanutils1.ser");
    expect(messages.join("\n")).toMatch(/BeanComparator.*CommonsBeanutils1/);
    expect(messages.join("\n")).toMatch(/TemplatesImpl/);
  });
  it("flags CommonsCollections1 through the proxy and Runtime.class", async () => {
    const messages = (await hits("malicious/commons_collections1.ser")).join("\n");
    expect(messages).toMatch(/AnnotationInvocationHandler/);
    expect(messages).toMatch(/InvokerTransformer/);
    expect(messages).toMatch(/the class object java\.lang\.Runtime/);
  });
  it("flags CommonsCollections6, URLDNS and the other families", async () => {
    expect((await hits("malicious/commons_collections6.ser")).join("\n")).toMatch(/TiedMapEntry/);
    expect((await hits("malicious/urldns.ser")).join("\n")).toMatch(/java\.net\.URL, part of the URLDNS/);
    const zoo = (await hits("malicious/gadget_zoo.ser")).join("\n");
    for (const family of ["Groovy1", "Spring1", "ROME", "C3P0"]) expect(zoo).toContain(family);
  });
  it("shows the command strings as evidence", async () => {
    const report = await scan("malicious/commons_collections1.ser");
    expect(report.findings.find((f) => f.ruleId === "JAVA001")?.evidence).toContain('"calc.exe"');
  });
  it("does not flag plain data, custom writeObject classes or Externalizable", async () => {
    for (const name of ["benign/hashmap_params.ser", "benign/model_params_custom_writeobject.ser", "benign/externalizable_weights.ser"]) {
      expect(await hits(name), name).toEqual([]);
    }
  });
});
