import { lookup, walkConfig, type ConfigNode } from "../../formats/hf-config/config-tree.js";
import type { Policy } from "../../policy/policy.js";

/**
 * Keys that name a callable to instantiate: Hydra/OmegaConf `_target_` (NeMo, Uni2TS, FlexTok)
 * and torchtune `_component_`. `_partial_` and `_args_` only change how it is called.
 */
export const TARGET_KEYS: ReadonlySet<string> = new Set(["_target_", "_component_"]);

/**
 * Framework packages whose classes configs legitimately instantiate (NVIDIA's NeMo scanner uses
 * the same list; torchtune added for its own `_component_` recipes).
 */
export const FRAMEWORK_PREFIXES: readonly string[] = ["nemo.", "pytorch_lightning.", "lightning.", "torch.optim.", "torch.nn.", "transformers.", "omegaconf.", "megatron.", "torchtune."];

/** Inside the framework prefixes, but loaders of remote code or pickles. */
const DENIED_INSIDE: readonly string[] = ["transformers.dynamic_module_utils.", "torch.nn.modules.module.Module.__"];

/** A reference to a callable, spelled inside a string (a JSON or YAML config stored as text). */
const EMBEDDED_TARGET = /["']?\b(_target_|_component_)["']?\s*[:=]\s*["']?([A-Za-z_][\w.]*)/g;

export interface TargetRef {
  key: string;
  value: string;
  path: string;
  offset?: number;
  /** `_partial_: true` beside it: the callable is bound, to be called later. */
  partial: boolean;
}

/** Whether a target stays inside the framework allowlist; dunder segments never do. */
export function isFrameworkTarget(target: string): boolean {
  const name = target.trim();
  if (/(^|\.)__\w+__(\.|$)/.test(name)) return false;
  if (DENIED_INSIDE.some((d) => name.startsWith(d))) return false;
  return FRAMEWORK_PREFIXES.some((p) => name.startsWith(p));
}

/** Every `_target_`/`_component_` in the trees: as keys, and spelled inside string values. */
export function targetsIn(roots: readonly ConfigNode[]): TargetRef[] {
  const out: TargetRef[] = [];
  for (const root of roots) {
    for (const { node, key, path, parent } of walkConfig(root)) {
      if (node.kind !== "string") continue;
      if (key !== undefined && TARGET_KEYS.has(key)) {
        const partial = lookup(parent, "_partial_");
        const ref: TargetRef = { key, value: node.value, path, partial: partial?.kind === "bool" && partial.value };
        if (node.offset !== undefined) ref.offset = node.offset;
        out.push(ref);
      } else {
        for (const m of node.value.matchAll(EMBEDDED_TARGET)) out.push({ key: m[1] as string, value: m[2] as string, path: `${path} (embedded)`, partial: false });
      }
    }
  }
  return out;
}

/** Targets spelled inside one string (safetensors metadata values). */
export function targetsInText(text: string): { key: string; value: string }[] {
  return [...text.matchAll(EMBEDDED_TARGET)].map((m) => ({ key: m[1] as string, value: m[2] as string }));
}

/** " (on the deny list: process)" when the pickle policy knows the callable as dangerous. */
export function denyNote(target: string, policy: Policy): string {
  const dot = target.lastIndexOf(".");
  if (dot <= 0) return "";
  const c = policy.classifyGlobal(target.slice(0, dot), target.slice(dot + 1));
  return c.cls === "dangerous" ? ` (on the deny list${c.category ? `: ${c.category}` : ""})` : "";
}
