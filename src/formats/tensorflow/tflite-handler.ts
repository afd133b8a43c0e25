import type { FormatAnalysis, FormatHandler } from "../../core/handler.js";
import { tfliteSniffer } from "./sniff.js";
import { parseTflite } from "./tflite.js";

/**
 * TFLite flatbuffers, recognised by the `TFL3` identifier at bytes 4..8.
 *
 * @example
 * const analysis = await tfliteHandler.analyze(source, ctx); // format "tflite"
 */
export const tfliteHandler: FormatHandler = {
  ...tfliteSniffer,
  async analyze(source, ctx): Promise<FormatAnalysis> {
    const { document, defects } = await parseTflite(source, { now: ctx.now, deadline: ctx.deadline });
    const notes: string[] = [];
    if (document.ops.length > 0) notes.push(`Flex custom ops run TensorFlow kernels; their serialized NodeDef options were not decoded.`);
    return { format: "tflite", document, defects, notes };
  },
};
