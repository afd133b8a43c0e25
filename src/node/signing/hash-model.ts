import { basename, resolve } from "node:path";
import { quote, signingError, type SigningStage } from "../../signing/errors.js";
import { shardName, sortItems, type Manifest, type ManifestItem } from "../../signing/manifest.js";
import { resourceAlgorithm, type Serialization } from "../../signing/serialization.js";
import { MAX_RESOURCES } from "../../signing/statement.js";
import { HashJobError, hashJobs } from "./hash-pool.js";
import type { HashJob } from "./hash-range.js";
import { listModelFiles, type ModelFile } from "./model-files.js";

export interface HashModelOptions {
  stage: SigningStage;
  /** Hashing threads; default: one per CPU. */
  workers?: number;
  /** Hash on worker threads even for a small model. */
  forceWorkers?: boolean;
  onProgress?: (bytes: number) => void;
}

/**
 * Builds the manifest of a model on disk: walks it with the serialization's ignore paths and
 * symlink policy, then hashes every file (or every shard) in parallel.
 *
 * @example
 * const manifest = await hashModel("model/", { method: "files", hashType: "sha256", allowSymlinks: false, ignorePaths: [".git"] }, { stage: "hash" });
 */
export async function hashModel(modelPath: string, serialization: Serialization, options: HashModelOptions): Promise<Manifest> {
  const files = await listModelFiles(modelPath, { ignorePaths: serialization.ignorePaths, allowSymlinks: serialization.allowSymlinks, stage: options.stage });
  // Largest first, so that the workers finish together instead of one hashing the last big file alone.
  const pieces = split(files, serialization, options.stage).sort((a, b) => b.size - a.size);
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  let digests: string[];
  try {
    digests = await hashJobs(
      pieces.map((p) => p.job),
      { hashType: serialization.hashType, workers: options.workers, forceWorkers: options.forceWorkers, totalBytes, onProgress: options.onProgress },
    );
  } catch (error) {
    if (error instanceof HashJobError) throw signingError(options.stage, "model-unreadable", `cannot read ${quote(error.path)}: ${error.message}`);
    throw error;
  }
  const algorithm = resourceAlgorithm(serialization);
  const items: ManifestItem[] = pieces.map((p, i) => ({ name: p.name, algorithm, digest: digests[i] as string }));
  return { modelName: basename(resolve(modelPath)), serialization, items: sortItems(items, serialization.method === "shards") };
}

interface Piece {
  name: string;
  job: HashJob;
  size: number;
}

/**
 * One piece per file, or the file's shards: `[0, s), [s, 2s) … [k·s, size)`. An empty file has no
 * shard, as in the reference tool (its shard loop never runs), so each verifies the other's manifest.
 */
function split(files: readonly ModelFile[], serialization: Serialization, stage: SigningStage): Piece[] {
  if (serialization.method === "files") return files.map((f) => ({ name: f.name, job: { path: f.absolute, start: 0, end: -1 }, size: f.size }));
  const { shardSize } = serialization;
  const count = files.reduce((n, f) => n + Math.ceil(f.size / shardSize), 0);
  // Checked before allocating: a hostile signature can name a 1-byte shard size (CWE-400).
  if (count > MAX_RESOURCES) throw signingError(stage, "model-unreadable", `shard size ${shardSize} splits the model into ${count} shards; the limit is ${MAX_RESOURCES}`);
  const pieces: Piece[] = [];
  for (const file of files) {
    for (let start = 0; start < file.size; start += shardSize) {
      const end = Math.min(start + shardSize, file.size);
      pieces.push({ name: shardName(file.name, start, end), job: { path: file.absolute, start, end }, size: end - start });
    }
  }
  return pieces;
}
