/**
 * Differential check against CPython (fixtures/generate/gen_pickle_diff.py): for every stream in
 * the corpus, modelvet resolves the globals CPython's unpickler imported and calls the ones it
 * called, and a stream in which CPython imported anything never scans clean. The oracle's answers
 * are committed, so this needs no Python.
 */
import { zipSync } from "fflate";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { scanBytes } from "../../test-support/scan.js";
import { parsePickle } from "./parse.js";
import type { PickleDocument } from "./types.js";

interface Case {
  label: string;
  hex: string;
  cpython: { ok: boolean; error?: string; imports: [string, string][]; calls: string[] };
}

const corpusPath = new URL("../../../fixtures/pickle-diff/corpus.json", import.meta.url).pathname;
const corpus = JSON.parse(readFileSync(corpusPath, "utf8")) as { python: string; cases: Case[] };

const MODULE_PATH = /^[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*$/u;
const fromHex = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
const key = (module: string, name: string): string => `${module}\u0000${name}`;

function modelvetImports(doc: PickleDocument): Set<string> {
  return new Set(doc.imports.filter((imp) => imp.resolved).map((imp) => key(imp.module, imp.name)));
}

function modelvetCalls(doc: PickleDocument): Set<string> {
  const called = new Set<string>();
  for (const group of doc.calls.values()) {
    if (group.imp?.resolved && [...group.ops].some((op) => op !== "BUILD")) called.add(key(group.imp.module, group.imp.name));
  }
  return called;
}

/** What differs between CPython and modelvet on one stream; empty when they agree. */
async function compare(c: Case): Promise<string[]> {
  const bytes = fromHex(c.hex);
  const doc = await parsePickle(new MemorySource(bytes));
  const imports = modelvetImports(doc);
  const calls = modelvetCalls(doc);
  const problems: string[] = [];
  for (const [module, name] of c.cpython.imports) {
    if (!imports.has(key(module, name))) problems.push(`CPython imports ${JSON.stringify(`${module}.${name}`)}, modelvet does not`);
  }
  for (const call of c.cpython.calls) if (!calls.has(call)) problems.push(`CPython calls ${JSON.stringify(call.replace("\u0000", "."))}, modelvet does not`);
  if (c.cpython.ok) {
    // A stream CPython loads whole: modelvet sees exactly the same imports.
    const expected = new Set(c.cpython.imports.map(([m, n]) => key(m, n)));
    for (const k of imports) if (!expected.has(k)) problems.push(`modelvet imports ${JSON.stringify(k.replace("\u0000", "."))}, CPython does not`);
    const fatal = doc.defects.filter((d) => d.fatal);
    if (!doc.reachedStop || fatal.length > 0) problems.push(`CPython loads it, modelvet stops: ${fatal.map((d) => d.message).join("; ")}`);
  }
  // A module name no file can have (`os `, `a,b`) fails to import in CPython; the pickle handler
  // leaves such weak candidates to the engine, which reports them when nothing else claims them.
  if (c.cpython.imports.some(([module]) => MODULE_PATH.test(module))) {
    const report = await scanBytes(bytes, { path: "diff.pkl" });
    if (report.verdict === "clean") problems.push("CPython imports a global, modelvet says clean");
  }
  return problems;
}

describe(`pickle differential against CPython ${corpus.python}`, () => {
  it("has a corpus of several hundred streams, most of them mutated", () => {
    expect(corpus.cases.length).toBeGreaterThan(500);
    expect(corpus.cases.some((c) => c.cpython.ok)).toBe(true);
    expect(corpus.cases.some((c) => !c.cpython.ok)).toBe(true);
  });

  it("resolves every import and call CPython makes, and imports nothing else on streams CPython loads", async () => {
    const disagreements: string[] = [];
    for (const c of corpus.cases) {
      const problems = await compare(c);
      if (problems.length > 0) disagreements.push(`${c.label} [${c.hex.slice(0, 80)}] (CPython: ${c.cpython.ok ? "loads" : c.cpython.error}): ${problems.join("; ")}`);
    }
    expect(disagreements).toEqual([]);
  });
});

describe("first-opcode forms CPython accepts (issue 8 reproductions)", () => {
  const te = new TextEncoder();
  for (const first of ["Finf", "I0x10", "I1_000", "L1_0L", "F-nan", "I01"]) {
    const payload = te.encode(`${first}\ncos\nsystem\n(S'id'\ntR.`);
    it(`${first} then a payload is unsafe, as a raw file and as a zip member`, async () => {
      const raw = await scanBytes(payload, { path: "model.pkl" });
      expect(raw.findings.map((f) => f.ruleId)).toContain("PKL001");
      const zipped = await scanBytes(zipSync({ "archive/data.pkl": payload }), { path: "model.zip" });
      expect(zipped.findings.map((f) => f.ruleId)).toContain("PKL001");
    });
  }
});
