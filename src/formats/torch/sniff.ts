import type { FormatSniffer } from "../../core/handler.js";
import { hasUstarMagic } from "../tar/header.js";
import { sniffZip } from "../zip/sniff.js";

export const TORCH_PICKLE = "pytorch-pickle";
export const TORCHSCRIPT_PICKLE = "torchscript-pickle";

/** Members of the pre-0.1.10 tar checkpoint (torch/serialization.py `legacy_load`). */
export const TORCH_TAR_MEMBERS = ["sys_info", "pickle", "storages", "tensors"] as const;

/** `STOP PROTO n BININT2 1001 STOP`: the protocol-version pickle right after the magic one. */
function hasProtocolPickle(head: Uint8Array): boolean {
  for (let i = head.indexOf(0x2e); i !== -1 && i + 6 < head.length; i = head.indexOf(0x2e, i + 1)) {
    if (head[i + 1] === 0x80 && head[i + 3] === 0x4d && head[i + 4] === 0xe9 && head[i + 5] === 0x03 && head[i + 6] === 0x2e) return true;
  }
  return false;
}

const MAGIC_LONG1 = [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

/**
 * A legacy (pre-1.6, non-zip) `torch.save` file: PROTO at 0 and either the magic number as a
 * LONG1 literal or the protocol-version pickle that follows it. The second test also catches
 * files whose magic is computed by a call (the GHSA-97f8-7cmv-76j2 bypass).
 */
export function sniffLegacy(head: Uint8Array): boolean {
  if (head.length < 4 || head[0] !== 0x80 || (head[1] as number) > 5) return false;
  if (MAGIC_LONG1.every((b, i) => head[2 + i] === b)) return true;
  return hasProtocolPickle(head);
}

/** A ustar archive whose first member is one of torch's four. */
export function sniffLegacyTar(head: Uint8Array): boolean {
  if (head.length < 512 || !hasUstarMagic(head)) return false;
  const nul = head.indexOf(0);
  const name = new TextDecoder("latin1").decode(head.subarray(0, nul === -1 || nul > 100 ? 100 : nul));
  return (TORCH_TAR_MEMBERS as readonly string[]).includes(name);
}

export const torchLegacySniffer: FormatSniffer = {
  id: "pytorch-legacy",
  priority: 15,
  supersedes: ["pickle"],
  sniff: (head) => (sniffLegacy(head) ? "strong" : "no"),
};

export const torchLegacyTarSniffer: FormatSniffer = {
  id: "pytorch-legacy-tar",
  priority: 20,
  supersedes: ["tar"],
  sniff: (head) => (sniffLegacyTar(head) ? "strong" : "no"),
};

/** Zips that are more than zips (PyTorch, TorchScript, npz, MLeap); the zip's own reading is included. */
export const zipModelSniffer: FormatSniffer = { id: "zip-model", priority: 20, supersedes: ["zip"], sniff: sniffZip };

/** Only ever forced on a torch archive's pickle members; never sniffed. */
export const torchPickleSniffer: FormatSniffer = { id: TORCH_PICKLE, priority: 0, sniff: () => "no" };
export const torchScriptPickleSniffer: FormatSniffer = { id: TORCHSCRIPT_PICKLE, priority: 0, sniff: () => "no" };
