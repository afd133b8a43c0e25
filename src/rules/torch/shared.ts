import type { TorchFormat } from "../../formats/torch/types.js";

/** Every torch layout document: zip checkpoints, TorchScript archives, legacy streams and legacy tars. */
export const TORCH_FORMATS: readonly TorchFormat[] = ["pytorch-zip", "torchscript", "pytorch-legacy-layout", "pytorch-legacy-tar"];

/** `member` for a hit about a pickle or record (empty for the legacy main stream, which is the file itself). */
export function at(member: string | undefined, offset?: number): { member?: string; offset?: number } {
  const out: { member?: string; offset?: number } = {};
  if (member) out.member = member;
  if (offset !== undefined) out.offset = offset;
  return out;
}
