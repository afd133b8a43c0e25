import { expect } from "vitest";
import { MemorySource } from "../core/byte-source.js";
import type { FileReport } from "../core/finding.js";
import { scanSource } from "../engine/scan.js";
import type { FormatHandler } from "../core/handler.js";
import { FORMAT_HANDLERS } from "../formats/index.js";
import { ggufHandler } from "../formats/gguf/handler.js";
import { hfConfigHandler } from "../formats/hf-config/handler.js";
import { pythonSourceHandler } from "../formats/hf-config/python-source.js";
import { chatTemplateHandler } from "../formats/jinja/handler.js";
import { safetensorsHandler } from "../formats/safetensors/handler.js";
import { yamlConfigHandler } from "../formats/yaml-config/handler.js";
import { GGUF_RULES } from "../rules/gguf/index.js";
import { HF_CONFIG_RULES } from "../rules/hfconfig/index.js";
import { RULES } from "../rules/index.js";
import { SAFETENSORS_RULES } from "../rules/safetensors/index.js";
import { TEMPLATE_RULES } from "../rules/template/index.js";
import type { Rule } from "../rules/types.js";
import { YAML_RULES } from "../rules/yaml/index.js";

const DTYPE_BYTES: Record<string, number> = { BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8, C64: 8 };

export interface TensorSpec {
  name: string;
  dtype: string;
  shape: number[];
  /** `data_offsets` as written; default: packed after the previous tensor. Strings are written raw (huge values). */
  offsets?: [number | string, number | string];
}

export interface SafetensorsSpec {
  tensors?: TensorSpec[];
  metadata?: Record<string, unknown> | null;
  /** Header JSON written verbatim instead of the generated one (duplicates, bad JSON). */
  header?: string;
  /** Declared header length instead of the real one. */
  headerLength?: bigint;
  /** Tensor data bytes written (default: exactly up to the last offset). */
  dataBytes?: number;
  /** Bytes appended after the tensor data. */
  trailing?: Uint8Array;
}

/**
 * Builds a safetensors file the way `safetensors.torch.save_file` lays it out (header padded
 * with spaces to a multiple of 8), or deliberately broken through the spec's overrides.
 *
 * @example
 * const bytes = buildSafetensors({ tensors: [{ name: "w", dtype: "F32", shape: [2, 2] }], metadata: { format: "pt" } });
 */
export function buildSafetensors(spec: SafetensorsSpec = {}): Uint8Array {
  let end = 0;
  const fields: string[] = [];
  if (spec.metadata !== undefined) fields.push(`"__metadata__":${JSON.stringify(spec.metadata)}`);
  for (const t of spec.tensors ?? []) {
    const size = t.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[t.dtype] ?? 4);
    const [begin, stop] = t.offsets ?? [end, end + size];
    const numeric = Number(stop);
    if (Number.isSafeInteger(numeric) && numeric > end) end = numeric;
    fields.push(`${JSON.stringify(t.name)}:{"dtype":${JSON.stringify(t.dtype)},"shape":${JSON.stringify(t.shape)},"data_offsets":[${begin},${stop}]}`);
  }
  let header = new TextEncoder().encode(spec.header ?? `{${fields.join(",")}}`);
  if (spec.header === undefined && header.length % 8 !== 0) {
    const padded = new Uint8Array(header.length + (8 - (header.length % 8))).fill(0x20);
    padded.set(header);
    header = padded;
  }
  const dataBytes = spec.dataBytes ?? end;
  const trailing = spec.trailing ?? new Uint8Array(0);
  const out = new Uint8Array(8 + header.length + dataBytes + trailing.length);
  new DataView(out.buffer).setBigUint64(0, spec.headerLength ?? BigInt(header.length), true);
  out.set(header, 8);
  out.set(trailing, 8 + header.length + dataBytes);
  return out;
}

/** Handlers of the safe formats (safetensors, GGUF, configs, YAML, templates, Python source). */
export const SAFE_FORMAT_HANDLERS: readonly FormatHandler[] = [safetensorsHandler, ggufHandler, hfConfigHandler, pythonSourceHandler, yamlConfigHandler, chatTemplateHandler];

/** Rules of the safe formats. */
export const SAFE_FORMAT_RULES: readonly Rule[] = [...SAFETENSORS_RULES, ...GGUF_RULES, ...TEMPLATE_RULES, ...HF_CONFIG_RULES, ...YAML_RULES];

/** Scans bytes with the registered handlers and rules plus the safe formats' (whether registered yet or not). */
export function scanSafeFormats(bytes: Uint8Array, path = "sample.bin"): Promise<FileReport> {
  const handlers = [...new Set([...FORMAT_HANDLERS, ...SAFE_FORMAT_HANDLERS])];
  const rules = [...new Set([...RULES, ...SAFE_FORMAT_RULES])];
  return scanSource(new MemorySource(bytes), { path, handlers, rules });
}

/** Scans bytes (named `path`) and asserts that `ruleId` is (or is not) among the findings. */
export async function expectSafeRule(bytes: Uint8Array | string, ruleId: string, present: boolean, path = "sample.bin"): Promise<FileReport> {
  const report = await scanSafeFormats(typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes, path);
  const ids = report.findings.map((f) => f.ruleId);
  const detail = JSON.stringify({ formats: report.formats, findings: report.findings.map((f) => `${f.ruleId} ${f.message}`), errors: report.errors }, null, 1);
  if (present) expect(ids, detail).toContain(ruleId);
  else expect(ids, detail).not.toContain(ruleId);
  return report;
}

/** An entry of a fixtures/<format>/manifest.json written by fixtures/generate/gen_<format>.py. */
export interface FixtureEntry {
  file: string;
  verdict: "clean" | "suspicious" | "unsafe" | "error";
  rules: string[];
  note?: string;
}

/** Asserts a fixture's verdict, its required rules, and (for clean ones) nothing at medium or above. */
export async function expectFixture(bytes: Uint8Array, entry: FixtureEntry): Promise<void> {
  const report = await scanSafeFormats(bytes, entry.file);
  const ids = report.findings.map((f) => f.ruleId);
  const detail = JSON.stringify({ formats: report.formats, findings: report.findings.map((f) => `${f.severity} ${f.ruleId} ${f.message}`), errors: report.errors, notes: report.notes }, null, 1);
  expect(report.verdict, detail).toBe(entry.verdict);
  for (const rule of entry.rules) expect(ids, detail).toContain(rule);
  if (entry.verdict === "clean") expect(report.findings.filter((f) => ["critical", "high", "medium"].includes(f.severity)), detail).toEqual([]);
}
