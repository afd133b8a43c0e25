import { decodeBase64 } from "./base64.js";
import { MAX_KERAS_BLOB_BYTES, MAX_KERAS_CONFIG_DEPTH, MAX_KERAS_CONFIG_NODES, MAX_KERAS_FACTS } from "./limits.js";
import { marshalNames } from "./marshal-names.js";
import type { KerasConfigFacts, KerasLambda, KerasPathArg, KerasRef } from "./types.js";

/** A decoded TorchModuleWrapper blob for the engine to scan as a member. */
export interface KerasBlob {
  path: string;
  bytes: Uint8Array;
}

type Json = unknown;
type JsonObject = Record<string, Json>;

interface Frame {
  value: Json;
  path: string;
  depth: number;
  key: string | undefined;
  /** An element of a list under `key` (a vocabulary list holds tokens, not a path). */
  listItem: boolean;
  layer: string | undefined;
}

/** Keys whose string values are file paths or URLs to the loader (CVE-2025-12058 for vocabulary). */
const PATH_KEYS = new Set(["vocabulary", "vocabulary_file", "vocab_file", "fname", "origin", "cache_dir", "cache_subdir", "filepath", "file_path", "filename", "path", "url", "uri", "logdir", "idf_weights"]);
const URL = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Longest source text kept for evidence. */
const MAX_SOURCE_TEXT = 200;
/** marshal type code of a code object ('c', with or without FLAG_REF). */
const MARSHAL_CODE = new Set([0x63, 0xe3]);

const isObject = (v: Json): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: Json): string | undefined => (typeof v === "string" ? v : undefined);

/**
 * Walks a parsed Keras config tree (iteratively, bounded) and records every module/class and
 * function reference, Lambda code in each encoding, TorchModuleWrapper blobs, `safe_mode: false`
 * and path/URL arguments, each with its JSON path and enclosing layer.
 */
export class ConfigWalker {
  readonly blobs: KerasBlob[] = [];
  private readonly handled = new WeakSet<object>();

  constructor(private readonly facts: KerasConfigFacts) {}

  walk(root: Json): void {
    const stack: Frame[] = [{ value: root, path: "$", depth: 0, key: undefined, listItem: false, layer: undefined }];
    while (stack.length > 0) {
      const frame = stack.pop() as Frame;
      if (++this.facts.values > MAX_KERAS_CONFIG_NODES || frame.depth > MAX_KERAS_CONFIG_DEPTH) {
        this.facts.truncated = true;
        if (this.facts.values > MAX_KERAS_CONFIG_NODES) return;
        continue;
      }
      const { value } = frame;
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${frame.path}[${i}]`, depth: frame.depth + 1, key: frame.key, listItem: true, layer: frame.layer });
      } else if (isObject(value)) {
        const layer = this.inspectObject(value, frame);
        const keys = Object.keys(value);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i] as string;
          stack.push({ value: value[key], path: childPath(frame.path, key), depth: frame.depth + 1, key, listItem: false, layer });
        }
      } else if (typeof value === "string") {
        this.inspectString(value, frame);
      }
    }
  }

  /** Records what this object is; returns the layer name its children sit in. */
  private inspectObject(obj: JsonObject, frame: Frame): string | undefined {
    const cls = str(obj.class_name);
    const cfg = obj.config;
    const layer = cls && isObject(cfg) ? `${typeof cfg.name === "string" ? JSON.stringify(cfg.name) : "(unnamed)"} (${cls})` : frame.layer;
    const module = str(obj.module);
    if (module !== undefined && cls !== undefined) {
      if (cls === "function") this.ref({ kind: "function", module, name: str(cfg) ?? (isObject(cfg) ? (str(cfg.name) ?? "") : ""), path: frame.path, layer: frame.layer }, obj);
      else if (!cls.startsWith("__")) this.ref({ kind: "class", module, name: cls, path: frame.path, layer }, obj);
    }
    if (cls === "__lambda__") this.keras3Lambda(obj, frame.path, frame.layer);
    else if (cls === "Lambda" && isObject(cfg)) this.lambdaLayer(cfg, `${frame.path}.config`, layer);
    else if (cls === "TFOpLambda" && isObject(cfg) && typeof cfg.function === "string") {
      this.ref({ kind: "tf-op", module: "tensorflow", name: cfg.function, path: `${frame.path}.config.function`, layer }, obj);
    } else if (cls === "TorchModuleWrapper" && isObject(cfg)) this.torchModule(cfg, `${frame.path}.config.module`, layer);
    if (typeof obj.bytecode_b64 === "string" && !this.handled.has(obj)) {
      this.pushLambda({ ...this.decodeCode(obj.bytecode_b64), form: "bytecode-b64", path: `${frame.path}.bytecode_b64`, ...(frame.layer ? { layer: frame.layer } : {}) });
    }
    if (obj.safe_mode === false) this.push(this.facts.flags, { kind: "safe-mode-false", path: childPath(frame.path, "safe_mode") });
    return layer;
  }

  private inspectString(value: string, frame: Frame): void {
    if (value === "safe_mode_saving") this.push(this.facts.flags, { kind: "safe-mode-saving", path: frame.path });
    const why = pathLike(value, frame.listItem ? undefined : frame.key);
    if (why) {
      const arg: KerasPathArg = { key: frame.key ?? "(value)", value, why, path: frame.path };
      if (frame.layer) arg.layer = frame.layer;
      this.push(this.facts.pathArgs, arg);
    }
  }

  private ref(ref: KerasRef, obj: JsonObject): void {
    const registered = str(obj.registered_name);
    if (registered !== undefined) ref.registeredName = registered;
    if (ref.layer === undefined) delete ref.layer;
    this.push(this.facts.refs, ref);
  }

  /** `{"class_name": "__lambda__", "config": {"code": b64}}` or `{"config": {"value": [b64, defaults, closure]}}`. */
  private keras3Lambda(obj: JsonObject, path: string, layer: string | undefined): void {
    this.handled.add(obj);
    const cfg = obj.config;
    const code = isObject(cfg) ? (str(cfg.code) ?? (Array.isArray(cfg.value) ? str(cfg.value[0]) : undefined)) : undefined;
    this.pushLambda({ ...(code !== undefined ? this.decodeCode(code) : { names: [], decodeError: "no code string" }), form: "keras3-lambda", path, ...(layer ? { layer } : {}) });
  }

  /** A Lambda layer's `function` in any Keras version's encoding. */
  private lambdaLayer(cfg: JsonObject, path: string, layer: string | undefined): void {
    const fn = cfg.function;
    const type = str(cfg.function_type);
    const at = `${path}.function`;
    const where = layer ? { layer } : {};
    if (Array.isArray(fn) && typeof fn[0] === "string") {
      this.pushLambda({ ...this.decodeCode(fn[0]), form: "keras2-bytecode", path: at, ...where });
    } else if (typeof fn === "string" && type === "function") {
      this.push(this.facts.refs, { kind: "lambda-function", module: str(cfg.module) ?? "", name: fn, path: at, ...where });
    } else if (typeof fn === "string") {
      const decoded = this.decodeCode(fn);
      if (decoded.codeBytes !== undefined && decoded.marshal) this.pushLambda({ ...decoded, form: "keras2-bytecode", path: at, ...where });
      else this.pushLambda({ form: "source-text", path: at, names: [], source: fn.slice(0, MAX_SOURCE_TEXT), ...where });
    } else if (!(isObject(fn) && (fn.class_name === "__lambda__" || fn.class_name === "function" || typeof fn.bytecode_b64 === "string"))) {
      this.pushLambda({ form: "lambda-layer", path: at, names: [], ...where });
    }
    // Keras 2 writes a callable output_shape the same two ways.
    const shapeType = str(cfg.output_shape_type);
    if (shapeType === "lambda" && Array.isArray(cfg.output_shape) && typeof cfg.output_shape[0] === "string") {
      this.pushLambda({ ...this.decodeCode(cfg.output_shape[0]), form: "keras2-bytecode", path: `${path}.output_shape`, ...where });
    } else if (shapeType === "function" && typeof cfg.output_shape === "string") {
      this.push(this.facts.refs, { kind: "lambda-function", module: str(cfg.output_shape_module) ?? "", name: cfg.output_shape, path: `${path}.output_shape`, ...where });
    }
  }

  /** Keras 3.11+: `config.module` is base64 of `torch.save(module)`; older: a `__bytes__` object. */
  private torchModule(cfg: JsonObject, path: string, layer: string | undefined): void {
    const raw = cfg.module;
    const entry = { path, ...(layer ? { layer } : {}) };
    let bytes: Uint8Array | undefined;
    if (typeof raw === "string") bytes = decodeBase64(raw, MAX_KERAS_BLOB_BYTES);
    else if (isObject(raw) && raw.class_name === "__bytes__" && isObject(raw.config) && typeof raw.config.value === "string") bytes = textBytes(raw.config.value);
    if (!bytes) {
      this.push(this.facts.torchModules, { ...entry, decodeError: raw === undefined ? "no module blob" : "module blob is not base64 or __bytes__" });
      return;
    }
    const member = `TorchModuleWrapper${this.blobs.length > 0 ? `-${this.blobs.length}` : ""}.pt`;
    this.blobs.push({ path: member, bytes });
    this.push(this.facts.torchModules, { ...entry, member, bytes: bytes.length });
  }

  private decodeCode(b64: string): Pick<KerasLambda, "codeBytes" | "names" | "decodeError"> & { marshal?: boolean } {
    const bytes = decodeBase64(b64, MAX_KERAS_BLOB_BYTES);
    if (!bytes || bytes.length === 0) return { names: [], decodeError: "not base64" };
    return { codeBytes: bytes.length, names: marshalNames(bytes), marshal: MARSHAL_CODE.has(bytes[0] as number) };
  }

  private pushLambda(lambda: KerasLambda & { marshal?: boolean }): void {
    delete lambda.marshal;
    this.push(this.facts.lambdas, lambda);
  }

  private push<T>(list: T[], item: T): void {
    if (list.length < MAX_KERAS_FACTS) list.push(item);
    else this.facts.truncated = true;
  }
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Why a string value is a path the loader may open, or undefined. */
function pathLike(value: string, key: string | undefined): KerasPathArg["why"] | undefined {
  if (URL.test(value)) return "url";
  if (key === undefined || !PATH_KEYS.has(key) || value.length === 0) return undefined;
  const slashed = value.replace(/\\/g, "/");
  if (slashed.startsWith("/") || /^[a-z]:/i.test(slashed) || slashed.startsWith("~")) return "absolute";
  if (slashed.split("/").includes("..")) return "parent-segment";
  // A lookup layer's vocabulary given as a string is always a file to read.
  if (key === "vocabulary" || key === "vocabulary_file" || key === "vocab_file" || slashed.includes("/")) return "path-argument";
  return undefined;
}

/** Bytes Keras wrote as `__bytes__` text: UTF-8 when any character needs it, else one byte per character (latin-1). */
function textBytes(text: string): Uint8Array {
  // eslint-disable-next-line no-control-regex -- a range check, not a control-character match
  if (/[^\u0000-\u00ff]/.test(text)) return new TextEncoder().encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
