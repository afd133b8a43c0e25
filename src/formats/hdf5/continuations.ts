import type { H5View } from "./bytes.js";
import { MAX_HDF5_HEADER_BLOCKS } from "./limits.js";

/** Object Header Continuation message (spec IV.A.2.q): offset and length of the next block. */
const MSG_CONTINUATION = 0x0010;
/** v1 object header prefix (IV.A.1.a): version, reserved, message count, refcount, header size, padding to 8. */
const V1_PREFIX_BYTES = 16;
/** v1 message header: type (2), size (2), flags (1), reserved (3). */
const V1_MESSAGE_HEADER_BYTES = 8;
/** v2 continuation blocks start with "OCHK" and end with a checksum (IV.A.1.b). */
const V2_SIGNATURE_BYTES = 4;
const V2_CHECKSUM_BYTES = 4;

interface Block {
  start: number;
  end: number;
}

/**
 * Follows an object header's continuation blocks the way the HDF5 library reads them and says
 * what is wrong with the chain: a block that continues into itself or into a block already read
 * (a cycle: jsfive and pyfive cut it silently, other readers loop), a block outside the file, or
 * more blocks than MAX_HDF5_HEADER_BLOCKS. Undefined when the chain is sound or the header is not
 * one this checks (jsfive reports those). Linear in the blocks it visits.
 *
 * @example
 * continuationProblem(view, rootAddress); // "continuation at 1234 points back into block 96..160 (a cycle)"
 */
export function continuationProblem(v: H5View, address: number): string | undefined {
  const v2 = v.ascii(address, 4) === "OHDR";
  const first = v2 ? firstBlockV2(v, address) : v.u8(address) === 1 ? firstBlockV1(v, address) : undefined;
  if (!first) return undefined;
  const blocks: Block[] = [first];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    for (let pos = block.start; pos + (v2 ? 4 : V1_MESSAGE_HEADER_BYTES) <= block.end; ) {
      const type = v2 ? v.u8(pos) : v.u16(pos);
      const size = v2 ? v.u16(pos + 1) : v.u16(pos + 2);
      if (type === undefined || size === undefined) return `object header block ${block.start}..${block.end} runs past the end of the file`;
      const body = pos + (v2 ? 4 + first.creationOrderBytes : V1_MESSAGE_HEADER_BYTES);
      if (type === MSG_CONTINUATION) {
        const offset = v.u64(body);
        const length = v.u64(body + 8);
        if (offset === undefined || length === undefined || offset + length > v.size) return `continuation at ${body} points outside the file (${offset ?? "?"}+${length ?? "?"})`;
        const next: Block = v2 ? { start: offset + V2_SIGNATURE_BYTES, end: offset + length - V2_CHECKSUM_BYTES } : { start: offset, end: offset + length };
        const hit = blocks.find((b) => next.start < b.end && b.start < Math.max(next.end, next.start + 1));
        if (hit) return `continuation at ${body} points back into block ${hit.start}..${hit.end} (a cycle)`;
        if (blocks.length >= MAX_HDF5_HEADER_BLOCKS) return `more than ${MAX_HDF5_HEADER_BLOCKS} continuation blocks (limit MAX_HDF5_HEADER_BLOCKS)`;
        blocks.push(next);
      }
      pos = body + size;
    }
  }
  return undefined;
}

function firstBlockV1(v: H5View, address: number): (Block & { creationOrderBytes: number }) | undefined {
  const size = v.u32(address + 8);
  if (size === undefined) return undefined;
  return { start: address + V1_PREFIX_BYTES, end: address + V1_PREFIX_BYTES + size, creationOrderBytes: 0 };
}

/** v2 prefix (IV.A.1.b): "OHDR", version, flags, optional times (16) and attribute thresholds (4), chunk-0 size in 1/2/4/8 bytes. */
function firstBlockV2(v: H5View, address: number): (Block & { creationOrderBytes: number }) | undefined {
  const flags = v.u8(address + 5);
  if (flags === undefined) return undefined;
  let p = address + 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
  const width = 1 << (flags & 3);
  const size = v.uint(p, width);
  if (size === undefined) return undefined;
  p += width;
  return { start: p, end: p + size, creationOrderBytes: flags & 0x04 ? 2 : 0 };
}
