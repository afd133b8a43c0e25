import { quote, SigningError, signingError } from "./errors.js";
import { utf8 } from "./base64.js";
import { sortItems, type Manifest } from "./manifest.js";
import { pythonJsonDumps, type PythonJson } from "./python-json.js";
import { serializationToJson } from "./serialization.js";
import { manifestFromPayload, PREDICATE_TYPE, rootDigest, STATEMENT_TYPE, type Sha256 } from "./statement.js";

/** Identifies a modelvet lock file; the version is in the name so a future format is told apart. */
export const LOCK_MEDIA_TYPE = "application/vnd.modelvet.lock.v1+json";

/**
 * A lock file: the manifest of a model, unsigned, for pipelines that pin digests without a PKI.
 * `modelvet hash` prints the same document.
 *
 * @example
 * writeFile("modelvet.lock.json", renderLock(manifest, sha256));
 */
export function renderLock(manifest: Manifest, sha256: Sha256): string {
  const items = sortItems(manifest.items, manifest.serialization.method === "shards");
  const lock: { [key: string]: PythonJson } = {
    mediaType: LOCK_MEDIA_TYPE,
    model: manifest.modelName,
    rootDigest: { sha256: rootDigest(items, sha256) },
    serialization: serializationToJson(manifest.serialization),
    resources: items.map((item) => ({ name: item.name, algorithm: item.algorithm, digest: item.digest })),
  };
  return `${pythonJsonDumps(lock)}\n`;
}

/**
 * Reads a lock file back into the manifest it pins, checking its root digest like a signed one.
 *
 * @throws SigningError lock-invalid when it is not a modelvet lock file or contradicts itself.
 */
export function parseLock(text: string, sha256: Sha256): Manifest {
  const fail = (reason: string) => signingError("lock", "lock-invalid", `the lock file ${reason}`);
  let lock: unknown;
  try {
    lock = JSON.parse(text);
  } catch {
    throw fail("is not JSON");
  }
  if (typeof lock !== "object" || lock === null || Array.isArray(lock)) throw fail("is not a JSON object");
  const l = lock as Record<string, unknown>;
  if (l.mediaType !== LOCK_MEDIA_TYPE) throw fail(`has mediaType ${JSON.stringify(l.mediaType)}; expected ${quote(LOCK_MEDIA_TYPE)}`);
  const root = (l.rootDigest as Record<string, unknown> | undefined)?.sha256;
  // Same checks as a signed statement: one code path for names, digests, limits and the root digest.
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: typeof l.model === "string" ? l.model : "", digest: { sha256: typeof root === "string" ? root : "" } }],
    predicateType: PREDICATE_TYPE,
    predicate: { serialization: l.serialization, resources: l.resources },
  };
  try {
    return manifestFromPayload(utf8(JSON.stringify(statement)), sha256, { stage: "lock" });
  } catch (error) {
    if (error instanceof SigningError) throw signingError("lock", "lock-invalid", error.detail);
    throw error;
  }
}
