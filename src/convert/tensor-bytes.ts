import type { ByteSource } from "../core/byte-source.js";
import { DTYPES, type TorchDtype } from "./dtypes.js";

/** Bytes per read when copying a contiguous tensor: large enough to run at disk speed, small enough to stream. */
export const COPY_CHUNK_BYTES = 8 * 1024 * 1024;
/** Output bytes gathered per chunk from a strided tensor. */
const GATHER_CHUNK_BYTES = 4 * 1024 * 1024;

/** A tensor laid out in a storage: elements of `dtype` at `offset + Σ index·stride`. */
export interface StridedTensor {
  /** The storage's bytes (element 0 at byte 0). */
  storage: ByteSource;
  dtype: TorchDtype;
  offset: number;
  shape: readonly number[];
  stride: readonly number[];
  /** Elements are big-endian (a numpy `>` dtype): swapped to little-endian, as safetensors is. */
  swap?: boolean;
}

/** Contiguous little-endian bytes of the tensor, in chunks. Contiguous tensors are copied as runs; others gathered. */
export async function* contiguousBytes(t: StridedTensor): AsyncGenerator<Uint8Array> {
  const size = DTYPES[t.dtype].size;
  const numel = t.shape.reduce((a, b) => a * b, 1);
  if (numel === 0) return;
  if (isCContiguous(t.shape, t.stride)) {
    const start = t.offset * size;
    const total = numel * size;
    for (let done = 0; done < total; done += COPY_CHUNK_BYTES) {
      const chunk = await t.storage.read(start + done, Math.min(COPY_CHUNK_BYTES, total - done));
      yield t.swap ? swapped(chunk, size) : chunk;
    }
    return;
  }
  yield* gather(t, size, numel);
}

function isCContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i] as number;
    if (d !== 1 && stride[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

/**
 * Reads the span of storage the tensor touches (one tensor's worth of memory at most, the
 * storage it views) and walks it in C order, copying runs along the last dimension.
 */
async function* gather(t: StridedTensor, size: number, numel: number): AsyncGenerator<Uint8Array> {
  const dims = t.shape.length;
  // Strides are non-negative, so the first element is the lowest address.
  const min = t.offset;
  let max = t.offset;
  for (let i = 0; i < dims; i++) {
    const reach = ((t.shape[i] as number) - 1) * (t.stride[i] as number);
    max += reach;
  }
  const span = await t.storage.read(min * size, (max - min + 1) * size);
  const last = dims - 1;
  const innerLen = t.shape[last] as number;
  const innerStride = t.stride[last] as number;
  const index = new Array<number>(dims).fill(0);
  const perChunk = Math.max(innerLen, Math.floor(GATHER_CHUNK_BYTES / size / innerLen) * innerLen);
  let out = new Uint8Array(Math.min(perChunk, numel) * size);
  let pos = 0;
  for (let done = 0; done < numel; done += innerLen) {
    let base = t.offset - min;
    for (let i = 0; i < last; i++) base += (index[i] as number) * (t.stride[i] as number);
    if (innerStride === 1) {
      out.set(span.subarray(base * size, (base + innerLen) * size), pos);
      pos += innerLen * size;
    } else {
      for (let j = 0; j < innerLen; j++) {
        const from = (base + j * innerStride) * size;
        for (let b = 0; b < size; b++) out[pos + b] = span[from + b] as number;
        pos += size;
      }
    }
    for (let i = last - 1; i >= 0; i--) {
      index[i] = (index[i] as number) + 1;
      if ((index[i] as number) < (t.shape[i] as number)) break;
      index[i] = 0;
    }
    if (pos === out.length) {
      yield t.swap ? swapped(out, size) : out;
      const left = numel - done - innerLen;
      out = new Uint8Array(Math.min(perChunk, Math.max(left, 0)) * size);
      pos = 0;
    }
  }
  if (pos > 0) yield t.swap ? swapped(out.subarray(0, pos), size) : out.subarray(0, pos);
}

function swapped(chunk: Uint8Array, size: number): Uint8Array {
  if (size === 1) return chunk;
  const out = new Uint8Array(chunk.length);
  for (let i = 0; i < chunk.length; i += size) for (let b = 0; b < size; b++) out[i + b] = chunk[i + size - 1 - b] as number;
  return out;
}
