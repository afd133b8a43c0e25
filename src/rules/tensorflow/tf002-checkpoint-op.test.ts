import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { savedModelHandler } from "../../formats/tensorflow/handler.js";
import { tfGraph, tfNode, tfSavedModel } from "../../test-support/protobuf-builder.js";
import { scanBytes } from "../../test-support/scan.js";
import { RULES } from "../index.js";
import { TF_RULES } from "./index.js";

const options = { path: "saved_model.pb", handlers: [...new Set([...FORMAT_HANDLERS, savedModelHandler])], rules: [...new Set([...RULES, ...TF_RULES])] };
const scan = (ops: string[]) => scanBytes(tfSavedModel(tfGraph(ops.map((op, i) => tfNode(`n${i}`, op)))), options);

describe("TF002 checkpoint op", () => {
  it("lists Save/Restore/MergeV2Checkpoints and asset tables, low", async () => {
    const report = await scan(["SaveV2", "RestoreV2", "MergeV2Checkpoints", "InitializeTableFromTextFileV2"]);
    expect(report.findings.map((f) => f.ruleId)).toEqual(["TF002", "TF002", "TF002", "TF002"]);
    expect(report.findings.every((f) => f.severity === "low")).toBe(true);
    expect(report.verdict).toBe("clean");
  });
  it("does not fire for iterator (de)serialisation ops", async () => {
    expect((await scan(["SerializeIterator", "DeserializeIterator", "SaveableCheck"])).findings).toEqual([]);
  });
});
