import type { KerasConfigFacts, KerasRawHit, KerasRef, RawHitKind } from "../../formats/keras/types.js";
import { inKerasAllowlist, kerasGadget } from "../../formats/keras/gadgets.js";
import { KERAS_MODULE_ALLOWLIST } from "../../formats/keras/types.js";
import type { GlobalClassification, Policy } from "../../policy/policy.js";

/** Documents carrying Keras configs: `.keras` config.json, legacy H5 models, TF-Keras keras_metadata.pb. */
export const KERAS_FORMATS = ["keras-config", "keras-h5", "keras-metadata"] as const;

/** `config.json $.config.layers[1].config.function (layer "l" (Lambda))`. */
export function where(c: KerasConfigFacts, item: { path: string; layer?: string }): string {
  return `${c.origin} ${item.path}${item.layer ? ` in layer ${item.layer}` : ""}`;
}

/**
 * Raw-text hits of a kind, when the JSON did not parse and the tree walk saw nothing. (Python's
 * json and JSON.parse agree on duplicate keys, so a parsed config has no hidden second reading.)
 */
export function rawOnly(c: KerasConfigFacts, kind: RawHitKind): KerasRawHit[] {
  return c.parsed ? [] : c.rawHits.filter((h) => h.kind === kind);
}

export function rawWhy(c: KerasConfigFacts): string {
  return `found in the raw text; the JSON does not parse: ${c.parseError ?? "unknown error"}`;
}

/** `keras.utils.get_file`, or just the name when there is no module. */
export function refName(ref: KerasRef): string {
  return ref.module ? `${ref.module}.${ref.name}` : ref.name;
}

export interface DangerousRef {
  ref: KerasRef;
  why: string;
  classification: GlobalClassification | undefined;
}

/**
 * A reference is dangerous when it is a known Keras/TF gadget, or policy denies the callable.
 * Layer classes inside the Keras packages are rebuilt through `from_config`, not called with
 * config arguments, so for them only gadgets count (Lambda and TorchModuleWrapper, which policy
 * lists for pickles, have their own rules here).
 */
export function dangerousRef(ref: KerasRef, policy: Policy): DangerousRef | undefined {
  const gadget = kerasGadget(ref.module, ref.name);
  const kerasClass = ref.kind === "class" && inKerasAllowlist(ref.module, KERAS_MODULE_ALLOWLIST);
  const c = ref.module && !kerasClass ? policy.classifyGlobal(ref.module, ref.name) : undefined;
  if (c?.cls === "dangerous") return { ref, why: gadget ?? `is on the deny list (${c.category ?? "dangerous"}${c.matched ? `: ${c.matched}` : ""})`, classification: c };
  if (gadget) return { ref, why: gadget, classification: c };
  return undefined;
}
