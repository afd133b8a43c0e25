import type { PlannedTensor } from "./checkpoint.js";
import { comparePython } from "./state-dict.js";

/** safetensors pads the header with spaces so tensor data starts 8-byte aligned. */
const HEADER_ALIGN = 8;

export interface SafetensorsLayout {
  /** The 8-byte length and the JSON header, padded. */
  header: Uint8Array;
  /** Tensors in the order their bytes follow the header. */
  order: PlannedTensor[];
  /** Total file size. */
  size: number;
}

const BYTES_PER_DTYPE: Record<string, number> = { F64: 8, I64: 8, U64: 8, F32: 4, I32: 4, U32: 4, F16: 2, BF16: 2, I16: 2, U16: 2 };

/**
 * The header and data order of a safetensors file for these tensors, as safetensors'
 * `serialize` lays them out: data sorted by dtype size (largest first) then name, so every
 * tensor stays aligned; `__metadata__` holds string values only.
 *
 * @example
 * const { header, order } = safetensorsLayout(plan.tensors, { format: "pt" });
 */
export function safetensorsLayout(tensors: readonly PlannedTensor[], metadata: Record<string, string>): SafetensorsLayout {
  const order = [...tensors].sort((a, b) => (BYTES_PER_DTYPE[b.dtype] ?? 1) - (BYTES_PER_DTYPE[a.dtype] ?? 1) || comparePython(a.name, b.name));
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of order) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.byteLength] };
    offset += t.byteLength;
  }
  let json = JSON.stringify(header);
  const bytes = new TextEncoder().encode(json);
  const pad = (HEADER_ALIGN - (bytes.length % HEADER_ALIGN)) % HEADER_ALIGN;
  json += " ".repeat(pad);
  const body = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(body.length), true);
  out.set(body, 8);
  return { header: out, order, size: out.length + offset };
}
