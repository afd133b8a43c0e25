import type { H5View } from "./bytes.js";
import { MAX_HDF5_BTREE_NODES, MAX_HDF5_NAME_BYTES } from "./limits.js";

export type SymbolEntry = { name: string; offset: number } & ({ kind: "hard"; address: number } | { kind: "soft"; target: string });

export interface SymbolTableRead {
  entries: SymbolEntry[];
  problems: string[];
}

/** Shared across one file so that many groups cannot multiply the node budget. */
export interface NodeBudget {
  nodes: number;
}

/** Cache type 2 in a symbol table entry: a soft link whose value is in the local heap (spec III.C). */
const CACHE_SOFT_LINK = 2;
const SNOD_ENTRY_BYTES = 40;

/**
 * Lists an old-style group (symbol table message: v1 B-tree + local heap, spec III.A.1, III.B,
 * III.C, III.D) — what h5py writes by default and so what Keras files use. Written here rather
 * than through jsfive, whose B-tree walk loops forever on a cyclic tree: nodes are visited once
 * each, within a file-wide budget.
 */
export function readSymbolTable(v: H5View, { btreeAddress, heapAddress, budget }: { btreeAddress: number; heapAddress: number; budget: NodeBudget }): SymbolTableRead {
  const problems: string[] = [];
  const entries: SymbolEntry[] = [];
  const heap = localHeap(v, heapAddress);
  if (!heap) return { entries, problems: [`local heap at ${heapAddress} is missing or malformed`] };
  const seen = new Set<number>();
  const stack = [btreeAddress];
  while (stack.length > 0) {
    const at = stack.pop() as number;
    if (seen.has(at)) {
      problems.push(`B-tree node at ${at} is reached twice (a cycle); visited once`);
      continue;
    }
    seen.add(at);
    if (++budget.nodes > MAX_HDF5_BTREE_NODES) {
      problems.push(`more than ${MAX_HDF5_BTREE_NODES} B-tree nodes; the rest were not read (limit MAX_HDF5_BTREE_NODES)`);
      break;
    }
    const signature = v.ascii(at, 4);
    if (signature === "SNOD") {
      readSnod(v, at, heap, entries, problems);
      continue;
    }
    if (signature !== "TREE" || v.u8(at + 4) !== 0) {
      problems.push(`group B-tree node at ${at} has no TREE/SNOD signature`);
      continue;
    }
    const used = v.u16(at + 6) ?? 0;
    for (let i = used - 1; i >= 0; i--) {
      const child = v.u64(at + 24 + 8 + 16 * i);
      if (child === undefined) problems.push(`B-tree node at ${at} child ${i} is outside the file`);
      else stack.push(child);
    }
  }
  return { entries, problems };
}

interface LocalHeap {
  data: number;
  size: number;
}

/** Local heap (spec III.D): "HEAP", version 0, data segment size at +8, its address at +24. */
function localHeap(v: H5View, at: number): LocalHeap | undefined {
  if (v.ascii(at, 4) !== "HEAP") return undefined;
  const size = v.u64(at + 8);
  const data = v.u64(at + 24);
  if (size === undefined || data === undefined || data + size > v.size) return undefined;
  return { data, size };
}

function readSnod(v: H5View, at: number, heap: LocalHeap, entries: SymbolEntry[], problems: string[]): void {
  const count = v.u16(at + 6) ?? 0;
  for (let i = 0; i < count; i++) {
    const e = at + 8 + SNOD_ENTRY_BYTES * i;
    const nameOffset = v.u64(e);
    const address = v.u64(e + 8);
    const cacheType = v.u32(e + 16);
    const name = nameOffset === undefined ? undefined : v.cstring(heap.data + nameOffset, { max: MAX_HDF5_NAME_BYTES, end: heap.data + heap.size });
    if (name === undefined || cacheType === undefined) {
      problems.push(`symbol table entry ${i} at ${e} is outside the file or its heap`);
      continue;
    }
    if (cacheType === CACHE_SOFT_LINK) {
      const valueOffset = v.u32(e + 24);
      const target = valueOffset === undefined ? undefined : v.cstring(heap.data + valueOffset, { max: MAX_HDF5_NAME_BYTES, end: heap.data + heap.size });
      entries.push({ name, offset: e, kind: "soft", target: target ?? "" });
    } else if (address !== undefined) {
      entries.push({ name, offset: e, kind: "hard", address });
    } else {
      problems.push(`symbol table entry ${JSON.stringify(name)} at ${e} has no object address`);
    }
  }
}
