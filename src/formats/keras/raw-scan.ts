import { MAX_RAW_HITS } from "./limits.js";
import type { KerasRawHit, RawHitKind } from "./types.js";

/** Patterns matched on the raw text, so that JSON that does not parse (or parses differently elsewhere) cannot hide them. */
const PATTERNS: [RawHitKind, RegExp][] = [
  ["lambda", /"class_name"\s*:\s*"(?:Lambda|__lambda__)"|"bytecode_b64"\s*:/g],
  ["torch", /"class_name"\s*:\s*"TorchModuleWrapper"/g],
  ["module", /"(?:module|fn_module|output_shape_module)"\s*:\s*"([^"\\]{1,200})"/g],
  ["gadget", /"(?:get_file|extract_archive|load_model|enable_unsafe_deserialization|set_global_attribute|func_load)"/g],
  ["safe-mode", /"safe_mode"\s*:\s*false|"safe_mode_saving"/g],
];

/**
 * Finds Keras markers in config text without parsing it.
 *
 * @example
 * rawScan('{"class_name": "Lambda", ...'); // [{ kind: "lambda", text: '"class_name": "Lambda"', offset: 1 }]
 */
export function rawScan(text: string): KerasRawHit[] {
  const hits: KerasRawHit[] = [];
  for (const [kind, pattern] of PATTERNS) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null && hits.length < MAX_RAW_HITS; m = pattern.exec(text)) {
      hits.push({ kind, text: kind === "module" ? (m[1] ?? m[0]) : m[0], offset: m.index });
    }
  }
  return hits;
}
