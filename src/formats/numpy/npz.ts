import type { ZipDocument } from "../zip/index.js";

/** A zip whose files are all `.npy` arrays (numpy.savez / savez_compressed). */
export interface NpzDocument {
  format: "npz";
  /** Array names as numpy.load(...).files lists them (member name without `.npy`). */
  arrays: string[];
  /** Members deflated (savez_compressed) rather than stored. */
  compressed: number;
}

/**
 * Recognises an `.npz` by its members, not its name: every file entry ends in `.npy`. Each
 * member is scanned by the npy handler on its own.
 */
export function detectNpz(zip: ZipDocument): NpzDocument | undefined {
  const files = zip.entries.filter((e) => e.kind !== "directory" && e.central !== undefined);
  if (files.length === 0 || !files.every((e) => e.name.endsWith(".npy"))) return undefined;
  return { format: "npz", arrays: files.map((e) => e.name.slice(0, -4)), compressed: files.filter((e) => e.method !== 0).length };
}
