import { defect, type Defect } from "../../core/defect.js";
import type { FormatAnalysis, FormatHandler } from "../../core/handler.js";
import { analyzeKerasConfig } from "../keras/analyze-config.js";
import { blobMembers } from "../keras/config-handler.js";
import type { KerasBlob } from "../keras/config-walk.js";
import type { KerasDocument } from "../keras/types.js";
import { MAX_HDF5_BYTES } from "./limits.js";
import { findSuperblock, hasSignatureAt } from "./superblock.js";
import type { Hdf5Document, Hdf5Facts } from "./types.js";
import { hdf5Sniffer } from "./sniff.js";
import { walkHdf5 } from "./walk.js";

/** Root attributes Keras 2 writes with a JSON config in them (Keras `legacy_h5_format`). */
const CONFIG_ATTRIBUTES = ["model_config", "training_config"];

/** A legacy Keras H5 model: the config rules and the HDF5 rules both read it. */
export type KerasH5Document = KerasDocument & { format: "keras-h5"; hdf5: Hdf5Facts };

/**
 * HDF5 files: legacy Keras `.h5` models (format `keras-h5`, when the root has a `model_config`
 * attribute) and any other HDF5 file such as a `.keras` zip's `model.weights.h5` (format
 * `hdf5`). Strong on the signature at offset 0; weak when it follows a user block.
 *
 * @example
 * const analysis = await hdf5Handler.analyze(source, ctx); // format "keras-h5"
 */
export const hdf5Handler: FormatHandler = {
  ...hdf5Sniffer,
  async analyze(source, ctx): Promise<FormatAnalysis | undefined> {
    if (source.size > MAX_HDF5_BYTES) {
      const head = await source.read(0, Math.min(source.size, 8));
      if (!hasSignatureAt(head, 0)) return undefined;
      const facts = emptyFacts();
      facts.unread.push(`the whole file (${source.size} bytes, limit ${MAX_HDF5_BYTES})`);
      const limit = defect("limit-exceeded", `HDF5 file of ${source.size} bytes exceeds ${MAX_HDF5_BYTES}: it must be read whole and was not scanned`, { limit: "MAX_HDF5_BYTES" });
      return { format: "hdf5", document: { format: "hdf5", hdf5: facts } satisfies Hdf5Document, defects: [limit] };
    }
    const bytes = await source.read(0, source.size);
    const superblock = findSuperblock(bytes);
    if (superblock === undefined) return undefined;
    const walk = walkHdf5(bytes.subarray(superblock), superblock);
    const defects: Defect[] = [...walk.defects];
    const notes: string[] = [];
    if (superblock > 0) notes.push(`HDF5 superblock found at offset ${superblock}, after a ${superblock}-byte user block.`);
    if (walk.facts.unread.length > 0) notes.push(`HDF5 parts not read: ${walk.facts.unread.slice(0, 5).join("; ")}.`);
    const configs = CONFIG_ATTRIBUTES.filter((name) => walk.attributes.has(name));
    if (configs.length === 0) {
      return { format: "hdf5", document: { format: "hdf5", hdf5: walk.facts } satisfies Hdf5Document, defects, notes };
    }
    const document: KerasH5Document = { format: "keras-h5", configs: [], hdf5: walk.facts };
    const kerasVersion = attributeText(walk.attributes.get("keras_version"));
    const backend = attributeText(walk.attributes.get("backend"));
    if (kerasVersion !== undefined) document.kerasVersion = kerasVersion;
    if (backend !== undefined) document.backend = backend;
    const blobs: KerasBlob[] = [];
    for (const name of configs) {
      const text = attributeText(walk.attributes.get(name));
      if (text === undefined) {
        defects.push(defect("hdf5-attribute", `HDF5 root attribute ${name} is not text; it was not scanned`));
        continue;
      }
      const analysis = analyzeKerasConfig(text, name);
      document.configs.push(analysis.facts);
      defects.push(...analysis.defects);
      blobs.push(...analysis.blobs);
    }
    if (document.configs.some((c) => c.lambdas.length > 0)) notes.push("Legacy Keras H5: load_model ignores safe_mode for this format before Keras 3.11.3 (CVE-2025-9905), so Lambda code runs on load.");
    const embedded = blobMembers(blobs, ctx);
    return { format: "keras-h5", document, defects: [...defects, ...embedded.defects], members: embedded.members, notes };
  },
};

/** jsfive returns text attributes as strings, sometimes wrapped in a one-element array. */
function attributeText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join("");
  return undefined;
}

function emptyFacts(): Hdf5Facts {
  return { superblockVersion: -1, superblockOffset: 0, objects: 0, datasets: 0, externalLinks: [], softLinks: [], userLinks: [], externalStorage: [], virtualDatasets: [], rootAttributes: [], unread: [] };
}
