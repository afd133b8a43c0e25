import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ConfigNode } from "../hf-config/config-tree.js";
import { parseJson, PYTHON_JSON } from "./reader.js";

/**
 * Differential check against CPython's `json.loads` (fixtures/generate/gen_json_diff.py wrote the
 * verdicts; no Python is needed here). Every case must get the same accept/reject answer and,
 * when accepted, the same value.
 */
interface Case {
  name: string;
  hex: string;
  accept: boolean;
  value?: unknown;
}

const corpus = JSON.parse(readFileSync(new URL("../../../fixtures/json/python-verdicts.json", import.meta.url), "utf8")) as { cases: Case[] };

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The canonical form the generator writes (see gen_json_diff.py). */
function canonical(node: ConfigNode): unknown {
  switch (node.kind) {
    case "number":
      return /^-?\d+$/.test(node.raw) ? ["int", BigInt(node.raw).toString()] : ["float", node.value];
    case "string":
    case "bool":
      return node.value;
    case "null":
      return null;
    case "list":
      return node.items.map(canonical);
    case "map": {
      const dict = new Map<string, unknown>();
      for (const e of node.entries) dict.set(e.key, canonical(e.value));
      return { dict: [...dict.entries()] };
    }
  }
}

/** Python's float reprs as numbers, so `1e+400` and `inf` compare by value. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) {
    if (value[0] === "float" && typeof value[1] === "string") return ["float", pyFloat(value[1])];
    return value.map(normalise);
  }
  if (value !== null && typeof value === "object") return { dict: ((value as { dict: [string, unknown][] }).dict ?? []).map(([k, v]) => [k, normalise(v)]) };
  return value;
}

function pyFloat(repr: string): number {
  if (repr === "nan") return Number.NaN;
  if (repr === "inf") return Number.POSITIVE_INFINITY;
  if (repr === "-inf") return Number.NEGATIVE_INFINITY;
  return Number(repr);
}

describe("JSON reader agrees with CPython json.loads", () => {
  it("has a corpus", () => {
    expect(corpus.cases.length).toBeGreaterThan(500);
  });

  it.each(corpus.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const r = parseJson(fromHex(c.hex), { ...PYTHON_JSON, maxDepth: 64, maxNodes: 100_000 });
    expect(r.ok, r.ok ? "accepted" : `rejected: ${r.message}`).toBe(c.accept);
    if (r.ok && c.accept) expect(canonical(r.value)).toEqual(normalise(c.value));
  });
});
