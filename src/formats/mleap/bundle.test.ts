import { describe, expect, it } from "vitest";
import { MemorySource } from "../../core/byte-source.js";
import { testScanContext } from "../../test-support/scan-context.js";
import { buildZip } from "../../test-support/zip-builder.js";
import { readZip } from "../zip/index.js";
import { MAX_MLEAP_JSON_BYTES, detectMleap } from "./bundle.js";

const zip = async (entries: { name: string; data: string; method?: number }[]) => readZip(new MemorySource(buildZip(entries)), testScanContext());

describe("detectMleap", () => {
  it("reads bundle.json and the op names of the model tree", async () => {
    const r = await zip([
      { name: "bundle.json", data: JSON.stringify({ name: "p", uid: "u", format: "json", version: "0.23.0" }), method: 8 },
      { name: "root/model.json", data: JSON.stringify({ op: "pipeline" }) },
      { name: "root/node.json", data: "{}" },
      { name: "root/lr.node/model.json", data: JSON.stringify({ op: "linear_regression" }) },
    ]);
    expect(await detectMleap(r)).toEqual({ format: "mleap", bundle: { name: "p", uid: "u", format: "json", version: "0.23.0" }, rootModel: "root/model.json", ops: ["pipeline", "linear_regression"], models: 2, unreadable: [] });
  });

  it("accepts protobuf bundles and lists unreadable JSON", async () => {
    const r = await zip([
      { name: "bundle.json", data: "{not json" },
      { name: "root/model.pb", data: "\x0a\x08pipeline" },
      { name: "root/x.node/model.json", data: "x".repeat(MAX_MLEAP_JSON_BYTES + 1) },
    ]);
    expect(await detectMleap(r)).toMatchObject({ rootModel: "root/model.pb", models: 2, unreadable: ["bundle.json", "root/x.node/model.json"] });
  });

  it("needs both bundle.json and a root model", async () => {
    expect(await detectMleap(await zip([{ name: "bundle.json", data: "{}" }]))).toBeUndefined();
    expect(await detectMleap(await zip([{ name: "root/model.json", data: "{}" }]))).toBeUndefined();
  });
});
