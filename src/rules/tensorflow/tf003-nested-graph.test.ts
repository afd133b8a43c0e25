import { describe, expect, it } from "vitest";
import { FORMAT_HANDLERS } from "../../formats/index.js";
import { savedModelHandler } from "../../formats/tensorflow/handler.js";
import { proto, tfGraph, tfNode, tfSavedModel, tfStringConst } from "../../test-support/protobuf-builder.js";
import { scanBytes } from "../../test-support/scan.js";
import { RULES } from "../index.js";
import { TF_RULES } from "./index.js";

const options = { path: "saved_model.pb", handlers: [...new Set([...FORMAT_HANDLERS, savedModelHandler])], rules: [...new Set([...RULES, ...TF_RULES])] };
const hits = async (nodes: Uint8Array[]) => (await scanBytes(tfSavedModel(tfGraph(nodes)), options)).findings.filter((f) => f.ruleId === "TF003");

describe("TF003 nested graph", () => {
  it("catches a serialized GraphDef in a string Const and the DatasetFromGraph that runs it", async () => {
    const found = await hits([tfStringConst("g", tfGraph([tfNode("c", "Const"), tfNode("w", "WriteFile")])), tfNode("ds", "DatasetFromGraph")]);
    expect(found.map((f) => f.message)).toEqual([
      expect.stringContaining("A serialized TensorFlow graph of 2 node(s) is hidden in graph"),
      expect.stringContaining("DatasetFromGraph runs a serialized GraphDef"),
    ]);
  });
  it("does not fire for string constants that are text or other protobufs", async () => {
    const notAGraph = proto((w) => w.message(1, (n) => n.string(1, "only-a-name")));
    expect(await hits([tfStringConst("vocab", new TextEncoder().encode("hello world tokens")), tfStringConst("pb", notAGraph)])).toEqual([]);
  });
});
