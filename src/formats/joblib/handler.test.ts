import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PickleBuilder as P } from "../../test-support/pickle-builder.js";
import { scanBytes } from "../../test-support/scan.js";
import { FORMAT_HANDLERS } from "../index.js";
import { joblibHandler } from "./handler.js";

const fixture = (rel: string): Uint8Array => readFileSync(new URL(`../../../fixtures/torch/${rel}`, import.meta.url));
const handlers = [joblibHandler, ...FORMAT_HANDLERS];

describe("joblibHandler", () => {
  it("names a joblib dump joblib and adds the wrapper facts", async () => {
    const report = await scanBytes(fixture("benign/random_forest.joblib"), { path: "rf.joblib", handlers });
    expect(report.formats).toEqual(["joblib", "joblib-arrays"]);
    expect(report.verdict).toBe("clean");
  });

  it("keeps a pickle named .joblib that imports no joblib wrapper a plain pickle", async () => {
    const report = await scanBytes(P.call("collections", "OrderedDict", "x", 4), { path: "model.joblib", handlers });
    expect(report.formats).toEqual(["pickle"]);
  });

  it("leaves pickles without joblib markers to the pickle handler", () => {
    const hint = { name: "model.pkl", size: 10, parents: [] };
    expect(joblibHandler.sniff(P.call("collections", "OrderedDict", "x", 4), hint)).toBe("no");
    expect(joblibHandler.sniff(fixture("benign/random_forest.joblib").subarray(0, 4096), hint)).toBe("strong");
  });
});
