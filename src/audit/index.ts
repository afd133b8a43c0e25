/** The audit layer's public API (re-exported by the library entry). Pure: strings in, values out. */
export { bundledAdvisoryDb, advisoryDbOf, type AdvisoryFile } from "./data/index.js";
export { inputKindOf, parseDependencyFile } from "./detect.js";
export { auditDocument, AUDIT_FORMAT, type AuditDocument } from "./document.js";
export { auditDependencies, type AdvisoryMatch } from "./match.js";
export { buildAdvisoryDb, osvProblem, type AdvisoryDb, type OsvAdvisory } from "./osv.js";
export { parseRequirements, resolveRequirements } from "./parse/requirements.js";
export { parsePyproject, parseTomlLock, parsePipfileLock } from "./parse/toml-files.js";
export { parseEnvironmentYaml, condaMetaList } from "./parse/conda.js";
export { parsePom, parseGradleLock } from "./parse/maven.js";
export { parseCoreMetadata, installedList } from "./parse/metadata.js";
export { compareMaven } from "./maven-version.js";
export { comparePep440 } from "./pep440.js";
export type { Dependency, DependencyList, Ecosystem } from "./types.js";
