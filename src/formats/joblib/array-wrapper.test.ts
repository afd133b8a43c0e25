import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { everySource } from "../../test-support/stingy-source.js";
import { parsePickle } from "../pickle/parse.js";
import { collectingJoblibHooks, joblibHooks } from "./array-wrapper.js";

const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));

describe.each(["memory", "stingy"])("joblib array wrappers through a %s source", (kind) => {
  const source = (bytes: Uint8Array) => everySource(bytes).find((s) => s.name === kind)!.make();

  it("skips every raw array of a real RandomForest dump and stays in sync", async () => {
    const { hooks, facts } = collectingJoblibHooks();
    const doc = await parsePickle(source(fixture("benign/random_forest.joblib")), { hooks });
    expect(doc.defects).toEqual([]);
    expect(doc.reachedStop).toBe(true);
    expect(doc.trailing).toBeUndefined();
    expect(facts.arrays).toBeGreaterThan(5);
    expect(facts.rawBytes).toBeGreaterThan(500);
    expect(facts.unsized).toEqual([]);
  });

  it("reads numeric, Fortran, string, record and masked arrays (joblib 1.2 alignment padding)", async () => {
    const { hooks, facts } = collectingJoblibHooks();
    const doc = await parsePickle(source(fixture("benign/numeric_arrays.joblib")), { hooks });
    expect(doc.defects).toEqual([]);
    expect(doc.trailing).toBeUndefined();
    expect(facts.objectArrays).toEqual([]);
    expect(facts.arrays).toBeGreaterThanOrEqual(6);
  });

  it("finds the nested pickle of an object array right after BUILD, without a padding byte", async () => {
    const { hooks, facts } = collectingJoblibHooks();
    const doc = await parsePickle(source(fixture("hostile/pkl001_joblib_object_array_print.joblib")), { hooks });
    expect(facts.objectArrays.length).toBe(1);
    // protocol 2 with fix_imports spells builtins as __builtin__
    expect(doc.imports.some((i) => i.module === "__builtin__" && i.name === "print")).toBe(true);
  });

  it("records joblib < 0.10 side-file wrappers and their file names", async () => {
    const { hooks, facts } = collectingJoblibHooks();
    await parsePickle(source(fixture("hostile/jbl002_side_file_escape.pkl")), { hooks });
    expect(facts.sideFiles).toMatchObject([{ wrapper: "NDArrayWrapper", filename: "../jbl002_payload.pkl" }]);
  });

  it("the shared stateless hooks skip the same bytes", async () => {
    const doc = await parsePickle(source(fixture("benign/random_forest.joblib")), { hooks: joblibHooks });
    expect(doc.defects).toEqual([]);
  });
});
