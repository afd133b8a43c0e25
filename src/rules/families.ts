import type { Rule } from "./types.js";

/** A folder of rules, the document formats they read, and how to load them. */
export interface RuleFamily {
  name: string;
  /** Every format any rule of the family lists in `meta.formats` (rules/families.test.ts checks it). */
  formats: readonly string[];
  load(): Promise<readonly Rule[]>;
}

/**
 * The rule families in the order of `RULES`, loaded when a document of one of their formats is
 * checked: a pickle scan loads the pickle rules, not the YAML, Jinja and advisory ones. A format
 * missing here would leave its rules unrun, so the test checks this table against every rule.
 */
export const RULE_FAMILIES: readonly RuleFamily[] = [
  { name: "archive", formats: ["zip", "tar", "7z", "gzip", "zlib", "zstd", "lz4", "bzip2", "xz", "lzma"], load: async () => (await import("./archive/index.js")).ARCHIVE_RULES },
  { name: "audit", formats: ["dependency-audit"], load: async () => (await import("./audit/index.js")).AUDIT_RULES },
  { name: "filesystem", formats: ["symlink"], load: async () => (await import("./filesystem/index.js")).FILESYSTEM_RULES },
  { name: "html", formats: ["html", "jupyter-notebook"], load: async () => (await import("./html/index.js")).HTML_RULES },
  { name: "java", formats: ["java-serialized", "h2o-binary"], load: async () => (await import("./java/index.js")).JAVA_RULES },
  { name: "mlflow", formats: ["mlflow-model"], load: async () => (await import("./mlflow/index.js")).MLFLOW_RULES },
  { name: "notebook", formats: ["jupyter-notebook"], load: async () => (await import("./notebook/index.js")).NOTEBOOK_RULES },
  { name: "gguf", formats: ["gguf"], load: async () => (await import("./gguf/index.js")).GGUF_RULES },
  { name: "hfconfig", formats: ["hf-config", "yaml-config", "python-source"], load: async () => (await import("./hfconfig/index.js")).HF_CONFIG_RULES },
  { name: "safetensors", formats: ["safetensors", "hf-config"], load: async () => (await import("./safetensors/index.js")).SAFETENSORS_RULES },
  { name: "template", formats: ["chat-template"], load: async () => (await import("./template/index.js")).TEMPLATE_RULES },
  { name: "python", formats: ["python-module"], load: async () => (await import("./python/index.js")).PYTHON_RULES },
  { name: "yaml", formats: ["yaml-config"], load: async () => (await import("./yaml/index.js")).YAML_RULES },
  { name: "keras", formats: ["hdf5", "keras-h5", "keras-config", "keras-metadata"], load: async () => (await import("./keras/index.js")).KERAS_RULES },
  { name: "onnx", formats: ["onnx", "onnx-external-file"], load: async () => (await import("./onnx/index.js")).ONNX_RULES },
  { name: "tensorflow", formats: ["tf-savedmodel", "tf-graphdef", "tflite"], load: async () => (await import("./tensorflow/index.js")).TF_RULES },
  { name: "torch", formats: ["pytorch-zip", "torchscript", "pytorch-legacy-layout", "pytorch-legacy-tar"], load: async () => (await import("./torch/index.js")).TORCH_RULES },
  { name: "numpy", formats: ["numpy"], load: async () => (await import("./numpy/index.js")).NUMPY_RULES },
  { name: "joblib", formats: ["joblib-arrays"], load: async () => (await import("./joblib/index.js")).JOBLIB_RULES },
  { name: "pickle", formats: ["pickle", "pytorch-legacy", "joblib", "numpy-object"], load: async () => (await import("./pickle/index.js")).PICKLE_RULES },
  { name: "signing", formats: ["signature"], load: async () => (await import("./signing/index.js")).SIGNING_RULES },
];

const byFormat = new Map<string, Promise<readonly Rule[]>>();
const loadedByFormat = new Map<string, readonly Rule[]>();

/**
 * The rules that read documents of `format`, in `RULES` order, loading their families on first
 * use (cached for the process).
 *
 * @example
 * const rules = await rulesForFormat("pickle"); // PKL001..PKL016
 */
export function rulesForFormat(format: string): Promise<readonly Rule[]> {
  let rules = byFormat.get(format);
  if (rules === undefined) {
    const families = RULE_FAMILIES.filter((f) => f.formats.includes(format));
    rules = Promise.all(families.map((f) => f.load())).then((loaded) => {
      const forFormat = loaded.flat().filter((rule) => rule.meta.formats.includes(format));
      loadedByFormat.set(format, forFormat);
      return forFormat;
    });
    byFormat.set(format, rules);
  }
  return rules;
}

/**
 * The rules for `format` when `rulesForFormat(format)` has already loaded them, else undefined:
 * for synchronous callers that load first (`await rulesForFormat("symlink")`, then report).
 */
export function loadedRulesForFormat(format: string): readonly Rule[] | undefined {
  return loadedByFormat.get(format);
}
