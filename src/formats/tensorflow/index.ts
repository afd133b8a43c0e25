export { savedModelHandler, graphDefHandler } from "./handler.js";
export { tfliteHandler } from "./tflite-handler.js";
export { parseSavedModel, parseGraphDef, type TfGraphParse, type ParseTfOptions } from "./parse-graph.js";
export { parseTflite, type TfliteParse } from "./tflite.js";
export { classifyTfOp, isFileStream, type TfOpCategory, type TfOpClass } from "./ops.js";
export type { TfGraphDocument, TfliteDocument, TfOpsDocument, TfOpUse, TfSite } from "./types.js";
