import { parseDocument } from "yaml";
import { defect, type Defect } from "../../core/defect.js";
import { pathProblem } from "./paths.js";

/** YAML aliases expanded while reading MLmodel (CWE-776: billion laughs). */
export const MLMODEL_MAX_ALIASES = 100;

/** Flavours kept per MLmodel (CWE-770); MLflow writes two or three. */
export const MLMODEL_MAX_FLAVORS = 256;

/** Nesting walked inside a flavour's configuration looking for paths (CWE-674). */
const MAX_WALK_DEPTH = 6;

/** Keys whose string value MLflow joins onto the model directory and loads from. */
const PATH_KEYS = new Set([
  "model_path", "pickled_model", "python_model", "data", "model_data", "saved_model_dir", "model_dir", "model_file",
  "model_binary", "path", "code", "conda", "virtualenv", "requirements", "keras_model", "tf_saved_model_dir",
  "data_path", "config_path", "model_config", "tokenizer", "artifact_path", "components_path", "env",
]);

/** Values that name a pickle-family serializer. */
const PICKLE_FORMATS = /^(?:pickle|cloudpickle|joblib|dill)$/i;

export interface MlflowFile {
  flavor: string;
  /** Dotted key path inside the flavour (`pickled_model`, `artifacts.tokenizer.path`). */
  key: string;
  path: string;
  /** `pickle` when the flavour loads it with pickle/cloudpickle/joblib. */
  kind: "pickle" | "file";
}

export interface MlflowFlavor {
  name: string;
  loaderModule?: string;
  /** `code`: a directory of Python added to sys.path when the model loads. */
  code?: string;
  modelClass?: string;
  pickleModule?: string;
  serializationFormat?: string;
}

export interface MlflowPathIssue {
  flavor?: string;
  key: string;
  value: string;
  reason: string;
}

/** An `MLmodel` file as rules see it. */
export interface MlflowModelDocument {
  flavors: MlflowFlavor[];
  files: MlflowFile[];
  pathIssues: MlflowPathIssue[];
  artifactPath?: string;
  mlflowVersion?: string;
  runId?: string;
  modelUuid?: string;
}

type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

function isMap(v: unknown): v is { [key: string]: Plain } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Parses MLmodel YAML text. Returns undefined when the text is not YAML with a `flavors` mapping.
 *
 * @example
 * parseMlmodel("flavors:\n  sklearn:\n    pickled_model: model.pkl\n")?.files; // [{ flavor: "sklearn", key: "pickled_model", path: "model.pkl", kind: "pickle" }]
 */
export function parseMlmodel(text: string): { document: MlflowModelDocument; defects: Defect[] } | undefined {
  // logLevel "error": the library would otherwise print warnings about attacker-chosen keys to stderr.
  const parsed = parseDocument(text, { prettyErrors: false, uniqueKeys: false, logLevel: "error" });
  const defects: Defect[] = [];
  let root: unknown;
  try {
    root = parsed.toJS({ maxAliasCount: MLMODEL_MAX_ALIASES });
  } catch (error) {
    // yaml's only signal for alias-expansion abuse is an exception from toJS.
    const message = error instanceof Error ? error.message : String(error);
    return { document: emptyModel(), defects: [defect("limit-exceeded", `Cannot read MLmodel: ${message}`, { limit: "MLMODEL_MAX_ALIASES" })] };
  }
  if (!isMap(root) || !isMap(root["flavors"])) return undefined;
  for (const error of parsed.errors.slice(0, 5)) defects.push(defect("mlflow-yaml-error", `MLmodel YAML error: ${error.message}`, { offset: error.pos[0], fatal: false }));
  const doc = emptyModel();
  if (typeof root["artifact_path"] === "string") doc.artifactPath = root["artifact_path"];
  if (typeof root["mlflow_version"] === "string") doc.mlflowVersion = root["mlflow_version"];
  if (typeof root["run_id"] === "string") doc.runId = root["run_id"];
  if (typeof root["model_uuid"] === "string") doc.modelUuid = root["model_uuid"];
  if (doc.artifactPath !== undefined) checkPath(doc, undefined, "artifact_path", doc.artifactPath);
  const example = root["saved_input_example_info"];
  if (isMap(example) && typeof example["artifact_path"] === "string") checkPath(doc, undefined, "saved_input_example_info.artifact_path", example["artifact_path"]);
  const flavors = Object.entries(root["flavors"]);
  if (flavors.length > MLMODEL_MAX_FLAVORS) defects.push(defect("limit-exceeded", `MLmodel lists ${flavors.length} flavors; only the first ${MLMODEL_MAX_FLAVORS} were read`, { limit: "MLMODEL_MAX_FLAVORS" }));
  for (const [name, config] of flavors.slice(0, MLMODEL_MAX_FLAVORS)) doc.flavors.push(readFlavor(doc, name, config));
  return { document: doc, defects };
}

export function emptyModel(): MlflowModelDocument {
  return { flavors: [], files: [], pathIssues: [] };
}

function readFlavor(doc: MlflowModelDocument, name: string, config: Plain): MlflowFlavor {
  const flavor: MlflowFlavor = { name };
  if (!isMap(config)) return flavor;
  const str = (key: string): string | undefined => (typeof config[key] === "string" ? (config[key] as string) : undefined);
  const loader = str("loader_module");
  const code = str("code");
  const modelClass = str("model_class");
  const pickleModule = str("pickle_module_name");
  const format = str("serialization_format");
  if (loader !== undefined) flavor.loaderModule = loader;
  if (code !== undefined) flavor.code = code;
  if (modelClass !== undefined) flavor.modelClass = modelClass;
  if (pickleModule !== undefined) flavor.pickleModule = pickleModule;
  if (format !== undefined) flavor.serializationFormat = format;
  walk(doc, flavor, config, "", 0);
  return flavor;
}

/** Records every path-like value under the flavour, and whether the flavour unpickles it. */
function walk(doc: MlflowModelDocument, flavor: MlflowFlavor, node: Plain, prefix: string, depth: number): void {
  if (depth > MAX_WALK_DEPTH || !isMap(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string" && (PATH_KEYS.has(key) || prefix === "env" || prefix.startsWith("artifacts."))) {
      if (key === "uri") continue; // pyfunc artifacts record the original location (often absolute); loading uses `path`
      doc.files.push({ flavor: flavor.name, key: dotted, path: value, kind: loadsWithPickle(flavor, key, value) ? "pickle" : "file" });
      checkPath(doc, flavor.name, dotted, value);
    } else if (isMap(value)) {
      walk(doc, flavor, value, dotted, depth + 1);
    }
  }
}

function loadsWithPickle(flavor: MlflowFlavor, key: string, value: string): boolean {
  if (key === "pickled_model" || key === "python_model") return true;
  if (/\.(?:pkl|pickle|joblib|cloudpickle|dill)$/i.test(value)) return true;
  return key === "model_path" && flavor.serializationFormat !== undefined && PICKLE_FORMATS.test(flavor.serializationFormat);
}

function checkPath(doc: MlflowModelDocument, flavor: string | undefined, key: string, value: string): void {
  const reason = pathProblem(value);
  if (reason === undefined) return;
  const issue: MlflowPathIssue = { key, value, reason };
  if (flavor !== undefined) issue.flavor = flavor;
  doc.pathIssues.push(issue);
}
