import { describe, expect, it } from "vitest";
import { RULES } from "../../rules/index.js";
import { KERAS_RULES } from "../../rules/keras/index.js";
import { proto } from "../../test-support/protobuf-builder.js";
import { scanBytes } from "../../test-support/scan.js";
import { FORMAT_HANDLERS } from "../index.js";
import { graphDefHandler, savedModelHandler } from "../tensorflow/handler.js";
import { kerasMetadataHandler } from "./metadata-handler.js";

const handlers = [...new Set([...FORMAT_HANDLERS, kerasMetadataHandler, savedModelHandler, graphDefHandler])];
const rules = [...new Set([...RULES, ...KERAS_RULES])];

/** SavedMetadata { 1 nodes: SavedObject { 2 node_id, 3 node_path, 4 identifier, 5 metadata } }. */
function metadata(layers: object[]): Uint8Array {
  return proto((w) => {
    layers.forEach((layer, i) => w.message(1, (n) => n.varint(2, i + 1).string(3, `root.layer-${i}`).string(4, "_tf_keras_layer").string(5, JSON.stringify(layer))));
  });
}

describe("keras_metadata.pb", () => {
  // function[0]: base64(marshal.dumps(compile("lambda x: eval(x)", …).co_consts[0])), CPython 3.11.
  it("finds a Keras 2 Lambda's bytecode in a layer record, by content whatever the name", async () => {
    const lambda = { name: "lambda", trainable: true, class_name: "Lambda", config: { name: "lambda", function: ["YwEAAAAAAAAAAAAAAAMAAAADAAAA8yAAAACXAHQBAAAAAAAAAAAAAHwApgEAAKsBAAAAAAAAAABTACkBTikB2gRldmFsKQHaAXhzAQAAACD6CDxsYW1iZGE++gg8bGFtYmRhPnIEAAAAAQAAAHMMAAAAgACNJIhxiSeMJ4AA8wAAAAA=", null, null], function_type: "lambda", module: "__main__" } };
    for (const path of ["keras_metadata.pb", "renamed.bin"]) {
      const report = await scanBytes(metadata([{ name: "dense", class_name: "Dense", config: { units: 2 } }, lambda]), { path, handlers, rules });
      expect(report.formats).toEqual(["keras-metadata"]);
      expect(report.findings.map((f) => f.ruleId)).toEqual(["KERAS001"]);
      expect(report.findings[0]?.message).toContain("keras_metadata.pb root.layer-1");
    }
  });
  it("reports nothing for ordinary layers", async () => {
    const report = await scanBytes(metadata([{ name: "dense", class_name: "Dense", config: { units: 2, activation: "relu" } }]), { path: "keras_metadata.pb", handlers, rules });
    expect(report).toMatchObject({ verdict: "clean", formats: ["keras-metadata"], findings: [] });
  });
});
