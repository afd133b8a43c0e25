import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { lookup } from "../hf-config/config-tree.js";
import { yamlConfigHandler, type YamlDocument } from "./handler.js";
import { MAX_YAML_INDENT, MAX_YAML_NESTING, parseYaml } from "./parse-yaml.js";

const hint = (name: string): { name: string; size: number; parents: string[] } => ({ name, size: 0, parents: [] });
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("parseYaml", () => {
  it("records non-core tags with path and offset, resolving %TAG handles", () => {
    const r = parseYaml("%TAG !p! tag:yaml.org,2002:python/\n---\na:\n  b: !p!name:os.system ''\nc: !!str x\n");
    expect(r.tags).toEqual([{ tag: "tag:yaml.org,2002:python/name:os.system", path: "a.b", offset: 65 }]);
  });

  it("shares aliased nodes instead of copying them, and counts the expansion", () => {
    const r = parseYaml("a: &x [1, 2, 3]\nb: *x\nc: *x\n");
    const root = r.roots[0];
    expect(lookup(root, "b")).toBe(lookup(root, "a"));
    expect(r.aliases).toBe(2);
    expect(r.expandedNodes).toBe(1 + 3 * (1 + 1 + 3));
  });

  it("keeps every document of a stream and every duplicate key", () => {
    const r = parseYaml("a: 1\na: 2\n---\nb: 3\n");
    expect(r.roots).toHaveLength(2);
    expect(r.duplicates.map((d) => d.key)).toEqual(["a"]);
  });

  it("parses flow nesting at the limit and refuses one level more, still finding Python tags", () => {
    const nest = (n: number, tail = ""): string => `a: ${"[".repeat(n)}1${"]".repeat(n)}\n${tail}`;
    // The parser's stack holds the document and the block map as well: two levels over the brackets.
    expect(parseYaml(nest(MAX_YAML_NESTING - 2)).parsed).toBe(true);
    const over = parseYaml(nest(MAX_YAML_NESTING - 1, "b: !!python/object/apply:os.system ['id']\n"));
    expect(over.parsed).toBe(false);
    expect(over.refusedLimit).toBe("MAX_YAML_NESTING");
    expect(over.tags.map((t) => t.tag)).toEqual(["tag:yaml.org,2002:python/object/apply:os.system"]);
  });

  it.each([
    ["flow in flow", (n: number) => `a: ${"[{".repeat(n)}`],
    ["compact block nesting", (n: number) => `a:\n  ${"- ? ".repeat(n)}x`],
    ["quotes cannot hide brackets", (n: number) => `a: [x', ${"[".repeat(2 * n)}`],
    ["comments cannot close brackets", (n: number) => `a: ${"[ # ]]]\n  ".repeat(2 * n)}`],
  ])("refuses %s past the limit before the composer runs", (_name, make) => {
    const r = parseYaml(make(MAX_YAML_NESTING));
    expect(r.parsed).toBe(false);
    expect(r.refusedLimit).toBe("MAX_YAML_NESTING");
  });

  it("benign near-miss: brackets inside quoted strings and comments do not count", () => {
    const r = parseYaml(`a: "${"[".repeat(200)}"\nb: '${"{".repeat(200)}' # ${"[".repeat(200)}\n`);
    expect(r.parsed).toBe(true);
  });

  it("finds !python/ local tags lexically when the text is refused", () => {
    const r = parseYaml(`a: !python/object/apply:os.system ['id']\nb: ${"[".repeat(100)}`);
    expect(r.tags.map((t) => t.tag)).toContain("!python/object/apply:os.system");
  });

  it("refuses indentation past MAX_YAML_INDENT", () => {
    expect(parseYaml(`a:\n${" ".repeat(MAX_YAML_INDENT)}b: 1\n`).parsed).toBe(true);
    expect(parseYaml(`a:\n${" ".repeat(MAX_YAML_INDENT + 1)}b: 1\n`).parsed).toBe(false);
  });
});

describe("yamlConfigHandler", () => {
  it("sniffs .yaml files whose first line is YAML strongly, marked text weakly, prose not at all", () => {
    expect(yamlConfigHandler.sniff(enc("# c\nchat_template: x\n"), hint("m.yaml"))).toBe("strong");
    expect(yamlConfigHandler.sniff(enc("model:\n  _target_: x\n"), hint("MLconfig"))).toBe("weak");
    expect(yamlConfigHandler.sniff(enc("Note: this is a readme\n"), hint("README"))).toBe("no");
  });

  it("hands chat_template values down as members", async () => {
    const analysis = await yamlConfigHandler.analyze(new MemorySource(enc("chat_template: '{{ x }}'\n")), testScanContext({}, { name: "c.yaml" }));
    expect(analysis?.members?.map((m) => m.path)).toEqual(["chat_template"]);
    expect((analysis?.document as YamlDocument).templates).toEqual(["chat_template"]);
  });
});

describe("yamlConfigHandler limits", () => {
  it("reports YAML refused for nesting as a limit defect, named or not", async () => {
    const deep = enc(`model:\n  _target_: x\n  a: ${"[{".repeat(100)}\n`);
    for (const name of ["c.yaml", "recipe"]) {
      const analysis = await yamlConfigHandler.analyze(new MemorySource(deep), testScanContext({}, { name }));
      expect(analysis?.defects.map((d) => d.limit)).toEqual(["MAX_YAML_NESTING"]);
    }
  });
  it("benign near-miss: nesting under the limit parses with no defect", async () => {
    const analysis = await yamlConfigHandler.analyze(new MemorySource(enc(`model:\n  _target_: x\n  a: ${"[".repeat(20)}${"]".repeat(20)}\n`)), testScanContext({}, { name: "recipe" }));
    expect(analysis?.defects).toEqual([]);
    expect((analysis?.document as YamlDocument).parsed).toBe(true);
  });
});
