export { onnxHandler } from "./handler.js";
export { parseOnnx, type OnnxParse, type ParseOnnxOptions } from "./parse.js";
export { sniffOnnx } from "./sniff.js";
export { classifyLocation } from "./external-data.js";
export { EXTERNAL_DATA_KEYS, STANDARD_ONNX_DOMAINS, type ExternalLocation, type OnnxDocument, type OnnxExternalFileDocument, type OnnxExternalTensor, type OnnxOpUse } from "./types.js";
