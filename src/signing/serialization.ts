import { signingError, type SigningStage } from "./errors.js";
import type { PythonJson } from "./python-json.js";

/**
 * Hash algorithms a model-signing manifest may name. `blake3` is part of the format but has no
 * implementation in node:crypto, so it is recognised and refused with a clear message.
 */
export const HASH_TYPES = ["sha256", "blake2b"] as const;
export type HashType = (typeof HASH_TYPES)[number];

/** The reference tool's default shard size (`shard_size=1_000_000_000`). */
export const DEFAULT_SHARD_SIZE = 1_000_000_000;

/** Git bookkeeping the reference tool leaves out unless told otherwise (`--ignore-git-paths`). */
export const GIT_PATHS = [".git", ".gitattributes", ".github", ".gitignore"] as const;

interface SerializationCommon {
  hashType: HashType;
  allowSymlinks: boolean;
  /** Model-relative paths that were left out when signing; re-applied when verifying. */
  ignorePaths: string[];
}

/** How a model was turned into a manifest: one digest per file, or one per fixed-size shard. */
export type Serialization = (SerializationCommon & { method: "files" }) | (SerializationCommon & { method: "shards"; shardSize: number });

/** The `algorithm` each resource carries: the hash name, or `sha256-sharded-<size>` for shards. */
export function resourceAlgorithm(serialization: Serialization): string {
  return serialization.method === "files" ? serialization.hashType : `${serialization.hashType}-sharded-${serialization.shardSize}`;
}

/** The `predicate.serialization` object, keys in the order the reference tool writes them. */
export function serializationToJson(serialization: Serialization): { [key: string]: PythonJson } {
  const json: { [key: string]: PythonJson } = { method: serialization.method, hash_type: serialization.hashType };
  if (serialization.method === "shards") json.shard_size = serialization.shardSize;
  json.allow_symlinks = serialization.allowSymlinks;
  if (serialization.ignorePaths.length > 0) json.ignore_paths = [...serialization.ignorePaths];
  return json;
}

/**
 * Reads `predicate.serialization` from a signature (or a lock file).
 *
 * @throws SigningError payload-invalid when a field is missing or has an unsupported value.
 */
export function parseSerialization(value: unknown, stage: SigningStage = "verify"): Serialization {
  const subject = stage === "lock" ? "the lock file's serialization" : "the signed serialization";
  const fail = (reason: string) => signingError(stage, "payload-invalid", `${subject} ${reason}`);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw fail("is not an object");
  const v = value as Record<string, unknown>;
  const hashType = v.hash_type;
  if (hashType === "blake3") throw fail('uses "blake3", which modelvet cannot compute yet; re-sign with sha256');
  if (!(HASH_TYPES as readonly unknown[]).includes(hashType)) throw fail(`has hash_type ${JSON.stringify(hashType)}; expected ${HASH_TYPES.join(" or ")}`);
  const allowSymlinks = v.allow_symlinks;
  if (typeof allowSymlinks !== "boolean") throw fail(`has allow_symlinks ${JSON.stringify(allowSymlinks)}; expected true or false`);
  const ignore = v.ignore_paths ?? [];
  if (!Array.isArray(ignore) || !ignore.every((p): p is string => typeof p === "string")) throw fail("has ignore_paths that is not a list of paths");
  const common = { hashType: hashType as HashType, allowSymlinks, ignorePaths: ignore };
  if (v.method === "files") return { method: "files", ...common };
  if (v.method === "shards") {
    const shardSize = v.shard_size;
    // A tiny shard size from a hostile signature is bounded later, by MAX_RESOURCES before hashing.
    if (typeof shardSize !== "number" || !Number.isSafeInteger(shardSize) || shardSize < 1) {
      throw fail(`has shard_size ${JSON.stringify(shardSize)}; expected a positive integer`);
    }
    return { method: "shards", shardSize, ...common };
  }
  throw fail(`has method ${JSON.stringify(v.method)}; expected "files" or "shards"`);
}
