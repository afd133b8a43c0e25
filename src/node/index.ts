/** Node-only entry point (`modelvet/node`): file sources, folder walks, whole-path scans. */
export { FileSource, FileSourceError, type FileSourceErrorCode, type FileSourceOptions } from "./file-source.js";
export { displayPath, type OsPath } from "./os-path.js";
export { walk, type WalkEntry } from "./walk.js";
export { scanPaths, PathError, VERSION, type ScanPathsOptions } from "./scan-paths.js";
export { VerdictCache, MAX_CACHE_ENTRIES, type VerdictCacheOptions } from "./verdict-cache.js";
export { signModel, type SignModelOptions, type SignedModel } from "./signing/sign-model.js";
export { verifyModel, verifyLock, manifestOf, type VerifyModelOptions, type TrustedSigners, type VerifiedModelResult } from "./signing/verify-model.js";
export { verifyForScan, signatureReport, type ScanSignatureOptions, type ScanSignatureResult } from "./signing/verify-for-scan.js";
export { hashModel } from "./signing/hash-model.js";
export { SigningError, type SigningErrorCode } from "../signing/errors.js";
export { auditPaths, type AuditPathsOptions } from "./audit-paths.js";
export { scanTargets, hfEndpoint, hfToken, isRemoteTarget, type ScanTargetsOptions } from "./remote-scan.js";
export { loadPolicy } from "./policy-file.js";
// The pure part lives in the engine layer (it checks rule ids against the rules), so the browser build can use it too.
export { policyFromText } from "../engine/policy-text.js";
export { defaultSignaturePath } from "./signing/signature-place.js";
