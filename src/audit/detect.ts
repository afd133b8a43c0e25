import { installedList } from "./parse/metadata.js";
import { condaMetaList, parseEnvironmentYaml } from "./parse/conda.js";
import { parseGradleLock, parsePom } from "./parse/maven.js";
import { parseRequirements, type RequirementsFile } from "./parse/requirements.js";
import { parsePipfileLock, parsePyproject, parseTomlLock } from "./parse/toml-files.js";
import type { AuditInputKind } from "./types.js";

/** Largest dependency file read (CWE-400): real requirements, lock and conda files are at most a few megabytes. */
export const MAX_DEPENDENCY_FILE_BYTES = 16 * 1024 * 1024;

const REQUIREMENTS_NAME = /^(?:.*[-_.])?(?:requirements|constraints)(?:[-_.][\w.-]*)?\.(?:txt|in)$/i;

/**
 * The kind of dependency file a path names, from its file name (and its folder, for metadata),
 * or undefined when it is not one. `explicit` is true for a file the user named: any `.txt`
 * then counts as requirements (`pip freeze > installed.txt`).
 *
 * @example
 * inputKindOf("model/requirements.txt"); // "requirements"
 * inputKindOf("venv/lib/python3.11/site-packages/mlflow-2.9.0.dist-info/METADATA"); // "site-packages"
 */
export function inputKindOf(path: string, options: { explicit?: boolean } = {}): AuditInputKind | undefined {
  const parts = path.replace(/\\/g, "/").split("/");
  const name = parts[parts.length - 1] ?? "";
  const parent = parts[parts.length - 2] ?? "";
  const lower = name.toLowerCase();
  if ((name === "METADATA" && parent.endsWith(".dist-info")) || (name === "PKG-INFO" && parent.endsWith(".egg-info"))) return "site-packages";
  if (parent === "conda-meta" && lower.endsWith(".json") && lower !== "history") return "conda-meta";
  if (REQUIREMENTS_NAME.test(name) || (/^requirements$/i.test(parent) && /\.(?:txt|in)$/i.test(name))) return "requirements";
  if (lower === "pyproject.toml") return "pyproject";
  if (lower === "poetry.lock") return "poetry-lock";
  if (lower === "uv.lock") return "uv-lock";
  if (lower === "pipfile.lock") return "pipfile-lock";
  if (lower === "python_env.yaml" || lower === "python_env.yml") return "mlflow-python-env";
  if (/^(?:environment|conda)(?:[-_.][\w.-]*)?\.ya?ml$/.test(lower)) return "conda-environment";
  if (lower === "pom.xml") return "maven-pom";
  if (lower.endsWith(".lockfile") && (lower.includes("gradle") || parent === "dependency-locks")) return "gradle-lock";
  if (options.explicit && lower.endsWith(".txt")) return "requirements";
  return undefined;
}

/**
 * Parses one dependency file. Requirements-like files may name includes (`-r`, `-c`), which
 * the caller resolves with `resolveRequirements`; the others never have any.
 */
export function parseDependencyFile(kind: AuditInputKind, text: string, options: { path: string }): RequirementsFile {
  const { path } = options;
  switch (kind) {
    case "requirements":
      return parseRequirements(text);
    case "conda-environment":
    case "mlflow-python-env":
      return parseEnvironmentYaml(text, kind);
    case "pyproject":
      return { ...parsePyproject(text), includes: [] };
    case "poetry-lock":
    case "uv-lock":
      return { ...parseTomlLock(text, kind), includes: [] };
    case "pipfile-lock":
      return { ...parsePipfileLock(text), includes: [] };
    case "maven-pom":
      return { ...parsePom(text), includes: [] };
    case "gradle-lock":
      return { ...parseGradleLock(text), includes: [] };
    case "site-packages":
      return { ...installedList([{ path, text }]), includes: [] };
    case "conda-meta":
      return { ...condaMetaList([{ path, text }]), includes: [] };
  }
}
