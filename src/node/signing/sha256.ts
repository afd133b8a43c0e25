import { createHash } from "node:crypto";

/** SHA-256 for the pure signing code, which takes its hashing injected. */
export function sha256(data: Uint8Array): Uint8Array {
  return createHash("sha256").update(data).digest();
}
