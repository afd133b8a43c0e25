/** What Keras config analysis extracts: references, embedded code and risky values, each with its JSON path. */

/**
 * Top-level packages Keras (≥ 3.9) imports a `module` from (the CVE-2025-1550 fix), plus
 * `tf_keras`, the Keras 2 package whose own configs name it.
 */
export const KERAS_MODULE_ALLOWLIST: readonly string[] = ["keras", "keras_hub", "keras_cv", "keras_nlp", "tf_keras"];

/** How a config names a Python callable or class that the loader resolves by import. */
export type KerasRefKind =
  /** `{"module", "class_name", "config"}`: import module, take class_name, call from_config. */
  | "class"
  /** `{"class_name": "function", "module", "config": name}`: import module, return module.name. */
  | "function"
  /** Keras-2 Lambda with `function_type: "function"` (or an output_shape function): import module, getattr. */
  | "lambda-function"
  /** TFOpLambda `function`: an attribute path under the `tensorflow` module. */
  | "tf-op";

export interface KerasRef {
  kind: KerasRefKind;
  module: string;
  name: string;
  registeredName?: string;
  /** JSON path of the object, e.g. `$.config.layers[1].config.function`. */
  path: string;
  layer?: string;
}

export type LambdaForm =
  /** Keras 3 `{"class_name": "__lambda__", "config": {"code" | "value"}}`. */
  | "keras3-lambda"
  /** Keras 2 `function: [code_b64, defaults, closure]`. */
  | "keras2-bytecode"
  /** `bytecode_b64` key (seen in scanners' test models and variants). */
  | "bytecode-b64"
  /** A Lambda whose function is Python source text. */
  | "source-text"
  /** A Lambda layer whose function form was not recognised: it still wraps a Python callable. */
  | "lambda-layer";

export interface KerasLambda {
  form: LambdaForm;
  path: string;
  layer?: string;
  /** Decoded marshal bytes, when the code was base64. */
  codeBytes?: number;
  /** Identifier-like strings in the marshalled code (evidence, not a disassembly). */
  names: string[];
  /** Python source (clipped), for source-text lambdas. */
  source?: string;
  decodeError?: string;
}

export interface KerasTorchModule {
  path: string;
  layer?: string;
  /** Member path of the decoded blob, when it was decoded and handed to the engine. */
  member?: string;
  bytes?: number;
  decodeError?: string;
}

export interface KerasFlag {
  kind: "safe-mode-false" | "safe-mode-saving";
  path: string;
}

export interface KerasPathArg {
  key: string;
  value: string;
  why: "url" | "absolute" | "parent-segment" | "path-argument";
  path: string;
  layer?: string;
}

export type RawHitKind = "lambda" | "torch" | "module" | "gadget" | "safe-mode";

/** A match in the raw text, found whether or not the JSON parses. */
export interface KerasRawHit {
  kind: RawHitKind;
  text: string;
  offset: number;
}

export interface KerasConfigFacts {
  /** `config.json`, `model_config`, `training_config`. */
  origin: string;
  parsed: boolean;
  parseError?: string;
  /** The config has a Keras object at the top (class_name + config). */
  kerasShaped: boolean;
  values: number;
  /** Limits cut the walk short. */
  truncated: boolean;
  refs: KerasRef[];
  lambdas: KerasLambda[];
  torchModules: KerasTorchModule[];
  flags: KerasFlag[];
  pathArgs: KerasPathArg[];
  rawHits: KerasRawHit[];
}

/** Document of a Keras `config.json` (format `keras-config`), a legacy H5 model (`keras-h5`) or TF-Keras `keras_metadata.pb` (`keras-metadata`). */
export interface KerasDocument {
  format: "keras-config" | "keras-h5" | "keras-metadata";
  configs: KerasConfigFacts[];
  kerasVersion?: string;
  backend?: string;
}
