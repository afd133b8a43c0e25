export { mlmodelHandler, sniffMlmodel, MLMODEL_MAX_BYTES } from "./handler.js";
export { parseMlmodel, type MlflowFile, type MlflowFlavor, type MlflowModelDocument, type MlflowPathIssue } from "./parse.js";
export { pathProblem } from "./paths.js";
