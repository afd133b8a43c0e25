import type { TfliteDocument } from "../../formats/tensorflow/types.js";
import { defineRule } from "../types.js";

/** Custom ops the TFLite runtime ships kernels for. */
const BUILT_IN_CUSTOM = new Set(["TFLite_Detection_PostProcess", "AudioSpectrogram", "Mfcc", "MaxPoolingWithArgmax2D", "MaxUnpooling2D", "Convolution2DTransposeBias"]);

export const tf004 = defineRule<TfliteDocument>({
  meta: {
    id: "TF004",
    slug: "tflite-custom-op",
    formats: ["tflite"],
    title: "TFLite model needs custom operator kernels",
    description: "The model uses custom operators (other than Flex ops and the few the runtime ships): they run only when the app registers native kernels for them.",
    defaultSeverity: "low",
    confidence: "high",
    cwe: [829],
    references: ["https://ai.google.dev/edge/litert/models/ops_custom"],
  },
  check(doc, { report }) {
    for (const op of doc.customOps) {
      if (BUILT_IN_CUSTOM.has(op.name)) continue;
      report({
        message: `TFLite custom operator ${JSON.stringify(op.name)} (${op.count} use${op.count === 1 ? "" : "s"}) needs a native kernel registered by the loading app`,
        evidence: `operator code at offset ${op.offset}`,
        offset: op.offset,
      });
    }
  },
});
