/**
 * modelvet library entry: pure, runs in Node and in browsers. Node-only helpers (files, folders)
 * live in `modelvet/node`.
 */
export { MemorySource, SliceSource, ByteSourceError, type ByteSource, type ReadStats } from "./core/byte-source.js";
export { DEFAULT_LIMITS, resolveLimits, type Limits } from "./core/limits.js";
export type { Defect, DefectCode } from "./core/defect.js";
export {
  SEVERITIES,
  atLeast,
  summarize,
  verdictOf,
  type Confidence,
  type FileReport,
  type Finding,
  type Location,
  type ScanError,
  type ScanReport,
  type ScanSummary,
  type Severity,
  type Verdict,
} from "./core/finding.js";
export { scanSource, type ScanOptions } from "./engine/scan.js";
export type { FormatHandler, FormatAnalysis, Member, ScanContext } from "./core/handler.js";
export { FORMAT_HANDLERS } from "./formats/index.js";
export { parsePickle, type ParsePickleOptions } from "./formats/pickle/parse.js";
export type { PickleDocument } from "./formats/pickle/types.js";
export { createPolicy, PolicyError, validatePolicyData, type Policy, type PolicyData, type GlobalClassification } from "./policy/policy.js";
export { DEFAULT_POLICY_DATA, defaultPolicy } from "./policy/default.js";
export { policyFromText } from "./engine/policy-text.js";
export { renderText, type TextOptions } from "./report/text.js";
export { renderJson } from "./report/json.js";
export { renderSarif } from "./report/sarif.js";
export { renderCycloneDx, isModelFile, type CycloneDxOptions } from "./report/cyclonedx.js";
export { RULES } from "./rules/index.js";
export { reportDocument } from "./engine/report-document.js";
export type { Rule, RuleMeta, Hit } from "./rules/types.js";
export * as audit from "./audit/index.js";
export { HttpSource, HttpSourceError, DEFAULT_HTTP_LIMITS, type HttpLimits, type HttpSourceOptions, type HttpReadStats } from "./web/http-source.js";
export { parseHfRef, formatHfRef, type HfRef } from "./web/hf-ref.js";
export { listHubFiles, HubApiError, type HubListing, type HubFile } from "./web/hub-api.js";
export { scanHfRef, scanRemoteFile, type RemoteScanOptions } from "./web/remote-scan.js";
