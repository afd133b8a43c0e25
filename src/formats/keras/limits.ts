/** Bounds for Keras config analysis. Every one is attacker-controlled size or shape. */

/** Largest config text parsed (config.json, an H5 `model_config`): real ones are a few MB (CWE-400). */
export const MAX_KERAS_CONFIG_BYTES = 64 * 1024 * 1024;

/** JSON values visited per config: bounds CPU on value-dense input (CWE-834). */
export const MAX_KERAS_CONFIG_NODES = 5_000_000;

/** Nesting followed in the config tree; deeper parts are not walked and reported (CWE-674). */
export const MAX_KERAS_CONFIG_DEPTH = 1000;

/** Findings of one kind kept per config (lambdas, references, paths …); a real model has a handful (CWE-770). */
export const MAX_KERAS_FACTS = 10_000;

/** Largest base64 payload decoded (Lambda bytecode, TorchModuleWrapper blobs) (CWE-400). */
export const MAX_KERAS_BLOB_BYTES = 256 * 1024 * 1024;

/** Names pulled out of one marshalled code object for evidence (CWE-770). */
export const MAX_MARSHAL_NAMES = 64;

/** Raw-text hits kept per config when the JSON does not parse (CWE-770). */
export const MAX_RAW_HITS = 200;
