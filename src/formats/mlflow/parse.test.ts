import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { testScanContext } from "../../test-support/scan-context.js";
import { everySource } from "../../test-support/stingy-source.js";
import { mlmodelHandler, sniffMlmodel } from "./handler.js";
import { parseMlmodel, type MlflowModelDocument } from "./parse.js";
import { pathProblem } from "./paths.js";

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/mlflow/${name}`, import.meta.url)));
const hint = (name = "MLmodel") => ({ name, size: 100, parents: [] });

describe("MLmodel sniff", () => {
  it("recognises MLmodel by content, not by name", () => {
    expect(sniffMlmodel(fixture("benign/sklearn_model/MLmodel"), hint("renamed.yaml"))).toBe("strong");
    expect(sniffMlmodel(new TextEncoder().encode("flavors:\n  x: {}\n"), hint("a.yaml"))).toBe("weak");
    expect(sniffMlmodel(new TextEncoder().encode("model:\n  flavors: 2\n"), hint())).toBe("no");
  });
});

describe("parseMlmodel", () => {
  for (const { name, make } of everySource(fixture("benign/sklearn_model/MLmodel"))) {
    it(`lists flavours and the pickles they load (${name} source)`, async () => {
      const analysis = await mlmodelHandler.analyze(make(), testScanContext());
      const doc = analysis?.document as MlflowModelDocument;
      expect(doc.flavors.map((f) => f.name)).toEqual(["python_function", "sklearn"]);
      expect(doc.files.filter((f) => f.kind === "pickle").map((f) => f.path)).toEqual(["model.pkl", "model.pkl"]);
      expect(doc.pathIssues).toEqual([]);
      expect(analysis?.notes?.[0]).toMatch(/Unpickled on load: model\.pkl/);
    });
  }
  it("keeps pyfunc artifact uri out of the path checks", () => {
    const doc = parseMlmodel(new TextDecoder().decode(fixture("benign/pyfunc_python_model/MLmodel")))?.document;
    expect(doc?.files.map((f) => f.path)).toContain("artifacts/tokenizer.json");
    expect(doc?.pathIssues).toEqual([]);
  });
  it("refuses an alias bomb", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 8; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`);
    bomb.push("flavors: {x: {}}");
    const parsed = parseMlmodel(bomb.join("\n"));
    expect(parsed?.defects[0]).toMatchObject({ code: "limit-exceeded", limit: "MLMODEL_MAX_ALIASES" });
  });
  it("is not an MLmodel without a flavors mapping", () => {
    expect(parseMlmodel("flavors: 3\n")).toBeUndefined();
    expect(parseMlmodel("- a\n- b\n")).toBeUndefined();
  });
});

describe("pathProblem", () => {
  it("flags escapes and accepts plain relative paths", () => {
    expect(pathProblem("model.pkl")).toBeUndefined();
    expect(pathProblem("data/model..v2.pkl")).toBeUndefined();
    for (const bad of ["../x", "a/../../x", "/etc/passwd", "C:\\x", "file:///etc/", "s3://b/k", "x#frag", "%2e%2e/x", "~/.ssh/id_rsa", "a\\..\\b"]) {
      expect(pathProblem(bad), bad).toBeDefined();
    }
  });
});
