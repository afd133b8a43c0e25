/** Package ecosystems the audit understands, spelled as OSV spells them. */
export type Ecosystem = "PyPI" | "Maven";

/**
 * How precisely a dependency's version is known:
 * - `exact`: installed, locked or pinned with `==`; the version is the one that runs;
 * - `range`: a specifier (`>=2.0,<3`), so the resolver may pick an affected version;
 * - `any`: no version constraint at all.
 */
export type Pinning = "exact" | "range" | "any";

/** One package an environment has or a manifest asks for. */
export interface Dependency {
  ecosystem: Ecosystem;
  /** Name as written (`PyTorch`, `ml.combust.mleap:mleap-tensorflow_2.12`). */
  name: string;
  pinning: Pinning;
  /** The version for `exact`, as written (`2.6.0+cpu`). */
  version?: string;
  /** The PEP 440 specifier or Maven range for `range`, normalised to PEP 440 for Poetry/conda constraints. */
  specifier?: string;
  /** 1-based line in the file it came from, when known. */
  line?: number;
  /** File the dependency was read from, relative to the input (an include, a dist-info folder). */
  from?: string;
  /** Environment marker, kept for the report; the audit does not evaluate it (any platform may apply). */
  marker?: string;
}

/** What kind of input a document came from: shown in the report's format list. */
export type AuditInputKind =
  | "site-packages"
  | "conda-meta"
  | "requirements"
  | "pyproject"
  | "poetry-lock"
  | "uv-lock"
  | "pipfile-lock"
  | "conda-environment"
  | "mlflow-python-env"
  | "maven-pom"
  | "gradle-lock";

/** Dependencies read from one input, plus what could not be read (never silently dropped). */
export interface DependencyList {
  kind: AuditInputKind;
  dependencies: Dependency[];
  /** Lines or entries that could not be understood, each a sentence for the report. */
  problems: string[];
  /** Plain notes (markers not evaluated, URL requirements without versions). */
  notes: string[];
}
