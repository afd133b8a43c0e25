import { classifyTfOp } from "../tensorflow/ops.js";

/**
 * Callables inside the Keras allowlist that turn a config into an attack once the module
 * allowlist holds (CVE-2025-8747, CVE-2025-9906): keyed by the last name segment.
 */
const KERAS_GADGETS: Record<string, string> = {
  get_file: "downloads a URL to a host path (CVE-2025-8747)",
  extract_archive: "extracts an archive to a host path (CVE-2025-12060)",
  load_model: "loads another model file, possibly with safe_mode=False (CVE-2025-9906)",
  load_weights: "reads another weights file from a host path",
  model_from_json: "deserializes another config",
  model_from_yaml: "deserializes YAML, unsafely in old versions (CVE-2021-37678)",
  deserialize_keras_object: "deserializes another config object",
  enable_unsafe_deserialization: "turns safe mode off for the rest of the load (CVE-2025-9906)",
  set_global_attribute: "changes Keras global state such as safe_mode_saving (CVE-2025-9906)",
  func_load: "rebuilds a function from marshalled bytecode",
};

/** TFOpLambda names reach any attribute of `tensorflow`; these reach the host. */
const TF_HOST = /^(io\.|gfile\.|compat\.v1\.(py_func|gfile|io)|py_function$|numpy_function$|py_func$|debugging\.experimental\.enable_dump)/;

/**
 * What a referenced callable does when it is dangerous by its Keras/TensorFlow name, or undefined.
 *
 * @example
 * kerasGadget("keras.utils", "get_file"); // "downloads a URL to a host path (CVE-2025-8747)"
 */
export function kerasGadget(module: string, name: string): string | undefined {
  if (module === "tensorflow") {
    if (TF_HOST.test(name)) return "reaches the host file system or Python through TensorFlow";
    const raw = /^raw_ops\.(\w+)$/.exec(name);
    const c = raw ? classifyTfOp(raw[1] as string) : undefined;
    if (c && c.category !== "checkpoint") return c.does;
    return undefined;
  }
  const last = name.split(".").pop() ?? name;
  return Object.hasOwn(KERAS_GADGETS, last) ? KERAS_GADGETS[last] : undefined;
}

/** True when the module's top-level package is one Keras imports from. */
export function inKerasAllowlist(module: string, allowlist: readonly string[]): boolean {
  return allowlist.includes(module.split(".")[0] ?? "");
}
