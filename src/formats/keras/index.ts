export { kerasConfigHandler, sniffKerasConfig, blobMembers } from "./config-handler.js";
export { kerasMetadataHandler, sniffKerasMetadata } from "./metadata-handler.js";
export { analyzeKerasConfig, type KerasConfigAnalysis } from "./analyze-config.js";
export { kerasGadget, inKerasAllowlist } from "./gadgets.js";
export { KERAS_MODULE_ALLOWLIST, type KerasConfigFacts, type KerasDocument, type KerasLambda, type KerasRef } from "./types.js";
