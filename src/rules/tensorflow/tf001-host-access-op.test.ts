import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { graphDefHandler, savedModelHandler } from "../../formats/tensorflow/handler.js";
import type { TfliteDocument } from "../../formats/tensorflow/types.js";
import { tfGraph, tfNode, tfSavedModel } from "../../test-support/protobuf-builder.js";
import { scanBytes } from "../../test-support/scan.js";
import { defaultPolicy } from "../../policy/default.js";
import type { Hit } from "../types.js";
import { RULES } from "../index.js";
import { tf001 } from "./tf001-host-access-op.js";
import { TF_RULES } from "./index.js";

const options = { path: "saved_model.pb", handlers: [...new Set([...FORMAT_HANDLERS, savedModelHandler, graphDefHandler])], rules: [...new Set([...RULES, ...TF_RULES])] };
const hits = async (ops: string[], functionOps: string[] = []) => {
  const graph = tfGraph(ops.map((op, i) => tfNode(`n${i}`, op)), functionOps.length ? [["fn", functionOps.map((op, i) => tfNode(`f${i}`, op))]] : []);
  return (await scanBytes(tfSavedModel(graph), options)).findings.filter((f) => f.ruleId === "TF001");
};

describe("TF001 host access op", () => {
  it.each(["ReadFile", "WriteFile", "PyFunc", "PyFuncStateless", "EagerPyFunc", "MatchingFiles", "ImmutableConst"])("catches %s", async (op) => {
    const found = await hits(["Placeholder", op]);
    expect(found).toHaveLength(1);
    expect(found[0]?.severity).toBe("high");
  });
  it("catches ops inside library functions", async () => {
    const [f] = await hits(["StatefulPartitionedCall"], ["WriteFile"]);
    expect(f?.evidence).toBe('function "fn": node 0 "f0" (WriteFile)');
  });
  it("applies to TFLite Flex ops", () => {
    const found: Hit[] = [];
    const doc: TfliteDocument = { format: "tflite", version: 3, operatorCodes: [], ops: [{ op: "WriteFile", count: 1, sites: [{ where: "operator code 0", node: 'custom op "FlexWriteFile"', offset: 40 }] }], customOps: [], subgraphs: 1, operators: 1, tensors: 1, buffers: 1, printTargets: [] };
    tf001.check(doc, { report: (h) => found.push(h), policy: defaultPolicy() });
    expect(found[0]?.message).toContain("Flex delegate");
  });
  it("does not fire for ops that merely look similar (ReadVariableOp, WriteScalarSummaryLike, AssignVariableOp)", async () => {
    expect(await hits(["ReadVariableOp", "WriteScalarSummaryLike", "AssignVariableOp", "StringFormat"])).toEqual([]);
  });
});
