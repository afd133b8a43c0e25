import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { MAX_TEMPLATE_NESTING, MAX_TEMPLATE_TAG_TOKENS, analyzeTemplate, nestingDepth } from "./analyze.js";
import { MAX_TEMPLATE_BYTES, chatTemplateHandler } from "./handler.js";
import { MAX_TEMPLATE_SIGNALS } from "./signal-sink.js";

const signals = (t: string): string[] => analyzeTemplate(t).signals.map((s) => `${s.kind}:${s.name}`).sort();
const hint = (name: string): { name: string; size: number; parents: string[] } => ({ name, size: 0, parents: [] });
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("analyzeTemplate bounds what the recursive parser sees", () => {
  it.each([
    ["unary chains", (n: number) => `{{ ${"not ".repeat(n)}x.__class__ }}`],
    ["call chains", (n: number) => `{{ x.__class__${"()".repeat(n)} }}`],
    ["brackets hidden behind string literals", (n: number) => `{{ x.__class__ ${"( ')' ".repeat(n)} }}`],
  ])("refuses %s past the limit and falls back to the lexical scan", (_name, make) => {
    const a = analyzeTemplate(make(MAX_TEMPLATE_TAG_TOKENS * 5));
    expect(a.parsed).toBe(false);
    expect(a.parseError).toMatch(/MAX_TEMPLATE_(TAG_TOKENS|NESTING)/);
    expect(a.signals.map((s) => s.kind)).toContain("dunder");
  });

  it("benign near-miss: a long template of short tags parses", () => {
    const a = analyzeTemplate("{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}".repeat(500));
    expect(a.parsed).toBe(true);
    expect(a.signals).toEqual([]);
  });
});

describe("analyzeTemplate", () => {
  it("reads the lipsum chain from the AST", () => {
    expect(signals("{{ lipsum.__globals__['os'].popen('id').read() }}")).toEqual(["dunder:__globals__", "exec:os", "exec:popen", "global-object:lipsum"]);
  });

  it("folds names built with ~, join, format, %c, chr, replace and reverse", () => {
    for (const t of ["{{ x['__cl' ~ 'ass__'] }}", "{{ x[['__cla','ss__']|join] }}", "{{ x['{}class{}'.format('__','__')] }}", "{{ x['%c%cclass%c%c' % (95,95,95,95)] }}", "{{ x['__clXss__'.replace('X','a')] }}", "{{ x['__ssalc__'|reverse] }}"]) {
      expect(signals(t), t).toContain("built-name:__class__");
    }
  });

  it("tracks {% set %} aliases of globals and ignores shadowed names", () => {
    expect(signals("{% set c = cycler %}{{ c.next }}")).toContain("global-object:cycler");
    expect(signals("{% for config in configs %}{{ config.name }}{% endfor %}")).toEqual([]);
  });

  it("falls back to a lexical scan, with offsets, when the parser fails", () => {
    const a = analyzeTemplate("{% for x in ().__class__.__base__.__subclasses__() %}{% endfor %}");
    expect(a.parsed).toBe(false);
    expect(a.signals.map((s) => [s.name, s.via, s.offset])).toEqual([
      ["__class__", "lexical", 15],
      ["__base__", "lexical", 25],
      ["__subclasses__", "lexical", 34],
    ]);
  });

  it("ignores payload text in comments and in plain template text", () => {
    expect(signals("{# {{ ''.__class__ }} #}Do not call os.system() or __import__ here.")).toEqual([]);
  });

  it("hands nesting at the limit to the parser and refuses one level more", () => {
    const nested = (n: number): string => `{{ ${"(".repeat(n - 2)}1${")".repeat(n - 2)} }}`;
    expect(nestingDepth(nested(MAX_TEMPLATE_NESTING))).toBe(MAX_TEMPLATE_NESTING);
    expect(analyzeTemplate(nested(MAX_TEMPLATE_NESTING)).parsed).toBe(true);
    const over = analyzeTemplate(nested(MAX_TEMPLATE_NESTING + 1));
    expect(over.parsed).toBe(false);
    expect(over.parseError).toContain("exceeds limit");
  });

  it("keeps at most MAX_TEMPLATE_SIGNALS signals", () => {
    const many = Array.from({ length: 100 }, (_, i) => `{{ x.__a${i}__ }}`).join("");
    expect(analyzeTemplate(many).signals).toHaveLength(MAX_TEMPLATE_SIGNALS);
  });
});

describe("chatTemplateHandler", () => {
  it("sniffs template names strongly, Jinja-first text weakly, other text not at all", () => {
    expect(chatTemplateHandler.sniff(enc("{% for m in messages %}"), hint("chat_template.jinja"))).toBe("strong");
    expect(chatTemplateHandler.sniff(enc("{{ bos_token }}"), hint("template.txt"))).toBe("weak");
    expect(chatTemplateHandler.sniff(enc("# Model card\n{{ x }}"), hint("README.md"))).toBe("no");
  });

  it("leaves Go and Helm templates that do not parse and hold no payload alone", async () => {
    expect(await chatTemplateHandler.analyze(new MemorySource(enc("{{ .Values.image | quote }}")), testScanContext({}, { name: "values.tpl" }))).toBeUndefined();
  });

  it("scans only the first MAX_TEMPLATE_BYTES and says so", async () => {
    const big = enc(`{{ x.__class__ }}${" ".repeat(MAX_TEMPLATE_BYTES)}`);
    const analysis = await chatTemplateHandler.analyze(new MemorySource(big), testScanContext({}, { name: "t.jinja" }));
    expect(analysis?.defects.map((d) => d.limit)).toEqual(["MAX_TEMPLATE_BYTES"]);
    expect((analysis?.document as { signals: unknown[] }).signals).toHaveLength(1);
  });

  it("accepts any member text handed down by a config or GGUF", async () => {
    const analysis = await chatTemplateHandler.analyze(new MemorySource(enc("llama3")), testScanContext({}, { name: "chat_template", parents: ["yaml-config"] }));
    expect(analysis?.format).toBe("chat-template");
  });
});

describe("analyzeTemplate bounds", () => {
  it("refuses whitespace runs that would make the parser backtrack quadratically", async () => {
    const { MAX_WHITESPACE_COST, whitespaceCost } = await import("./analyze.js");
    const run = Math.floor(Math.sqrt(MAX_WHITESPACE_COST));
    expect(whitespaceCost(`{{ x }}${" ".repeat(run)}`)).toBeLessThanOrEqual(MAX_WHITESPACE_COST);
    expect(analyzeTemplate(`{{ x }}${" ".repeat(run)}`).parsed).toBe(true);
    const over = analyzeTemplate(`{{ x.__class__ }}${" ".repeat(run + 1)}`);
    expect(over.parsed).toBe(false);
    expect(over.signals.map((s) => s.name)).toEqual(["__class__"]);
  });
});
