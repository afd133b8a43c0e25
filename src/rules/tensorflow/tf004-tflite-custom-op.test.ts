import { describe, expect, it } from "vitest";
import type { TfliteDocument } from "../../formats/tensorflow/types.js";
import { defaultPolicy } from "../../policy/default.js";
import type { Hit } from "../types.js";
import { tf004 } from "./tf004-tflite-custom-op.js";

// Byte-level TFLite cases (a flatbuffer writer, Flex and custom codes) are in src/formats/tensorflow/tflite.test.ts.
const doc = (names: string[]): TfliteDocument => ({
  format: "tflite",
  version: 3,
  operatorCodes: [],
  ops: [],
  customOps: names.map((name, i) => ({ name, count: 1, offset: 100 + i })),
  subgraphs: 1,
  operators: names.length,
  tensors: 1,
  buffers: 1,
  printTargets: [],
});
const run = (d: TfliteDocument): Hit[] => {
  const hits: Hit[] = [];
  tf004.check(d, { report: (h) => hits.push(h), policy: defaultPolicy() });
  return hits;
};

describe("TF004 TFLite custom op", () => {
  it("reports a custom op that needs an app-registered kernel", () => {
    expect(run(doc(["MyNativeOp"]))[0]?.message).toContain('"MyNativeOp"');
  });
  it("does not fire for custom ops the runtime ships", () => {
    expect(run(doc(["TFLite_Detection_PostProcess", "Mfcc"]))).toEqual([]);
  });
});
