import { concatBytes, fromHex, toHex, utf8 } from "./base64.js";
import { quote, signingError, type SigningStage } from "./errors.js";
import { sortItems, type Manifest, type ManifestItem } from "./manifest.js";
import { isSafeRelativePath } from "./paths.js";
import { pythonJsonDumps, type PythonJson } from "./python-json.js";
import { parseSerialization, serializationToJson, type Serialization } from "./serialization.js";

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
/** The model-signing predicate since v1.0 of the reference tool. */
export const PREDICATE_TYPE = "https://model_signing/signature/v1.0";
/** The predicate of model_signing v0.2: one in-toto subject per file, no serialization record. */
export const PREDICATE_TYPE_V02 = "https://model_signing/Digests/v0.1";

/**
 * Resources (files or shards) accepted in one manifest (CWE-770): a hostile signature could list
 * millions to exhaust memory before any file is read. Matches the folder walk's entry limit.
 */
export const MAX_RESOURCES = 1_000_000;

/** SHA-256 of a byte string, injected so this module stays pure (node:crypto in Node, any in browsers). */
export type Sha256 = (data: Uint8Array) => Uint8Array;

/** `sha256(digest_1 || digest_2 || …)` over the raw digests in listed order: the subject's digest. */
export function rootDigest(items: readonly ManifestItem[], sha256: Sha256): string {
  return toHex(sha256(concatBytes(items.map((item) => fromHex(item.digest) ?? new Uint8Array()))));
}

/**
 * The in-toto statement the reference tool signs for a manifest.
 *
 * @example
 * const payload = encodeStatement(buildStatement(manifest, sha256));
 */
export function buildStatement(manifest: Manifest, sha256: Sha256): { [key: string]: PythonJson } {
  const items = sortItems(manifest.items, manifest.serialization.method === "shards");
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: manifest.modelName, digest: { sha256: rootDigest(items, sha256) } }],
    predicateType: PREDICATE_TYPE,
    predicate: {
      serialization: serializationToJson(manifest.serialization),
      resources: items.map((item) => ({ name: item.name, algorithm: item.algorithm, digest: item.digest })),
    },
  };
}

/** The payload bytes, laid out as protobuf's MessageToJson writes them (2-space indent, ASCII). */
export function encodeStatement(statement: PythonJson): Uint8Array {
  return utf8(pythonJsonDumps(statement));
}

/**
 * Reads the signed manifest out of a verified DSSE payload, checking that it is a model-signing
 * statement and that its subject digest matches its resources (as the reference does: "Manifest
 * is inconsistent"). Accepts the v1.0 predicate and the older v0.2 one.
 *
 * @throws SigningError payload-invalid, with the field that is wrong.
 */
export function manifestFromPayload(
  payload: Uint8Array,
  sha256: Sha256,
  { stage = "verify", maxResources = MAX_RESOURCES }: { stage?: SigningStage; maxResources?: number } = {},
): Manifest {
  const subject = stage === "lock" ? "the lock file" : "the signed statement";
  const fail = (reason: string) => signingError(stage, "payload-invalid", `${subject} ${reason}`);
  let statement: unknown;
  try {
    statement = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload));
  } catch {
    throw fail("is not UTF-8 JSON");
  }
  if (!isObject(statement)) throw fail("is not a JSON object");
  if (statement._type !== STATEMENT_TYPE) throw fail(`has _type ${JSON.stringify(statement._type)}; expected ${quote(STATEMENT_TYPE)}`);
  if (statement.predicateType === PREDICATE_TYPE_V02) return manifestFromV02(statement, fail, maxResources);
  if (statement.predicateType !== PREDICATE_TYPE) {
    throw fail(`has predicateType ${JSON.stringify(statement.predicateType)}; expected ${quote(PREDICATE_TYPE)} (model signing)`);
  }
  const subjects = statement.subject;
  if (!Array.isArray(subjects) || subjects.length !== 1 || !isObject(subjects[0])) throw fail("must have exactly one subject (the model)");
  const model = subjects[0];
  const expectedRoot = isObject(model.digest) ? model.digest.sha256 : undefined;
  if (typeof expectedRoot !== "string") throw fail("has no sha256 digest for its subject");
  const predicate = statement.predicate;
  if (!isObject(predicate)) throw fail("has no predicate");
  const serialization = parseSerialization(predicate.serialization, stage);
  const resources = predicate.resources;
  if (!Array.isArray(resources)) throw fail("has no resources list");
  if (resources.length > maxResources) throw fail(`lists ${resources.length} resources; the limit is ${maxResources}`);

  const items = resources.map((resource, index) => readResource(resource, index, serialization, fail));
  rejectDuplicates(items, fail);
  const actualRoot = rootDigest(items, sha256);
  if (actualRoot !== expectedRoot.toLowerCase()) {
    throw fail(`is inconsistent: its subject digest is ${expectedRoot} but its resources hash to ${actualRoot}`);
  }
  const modelName = typeof model.name === "string" ? model.name : "";
  return { modelName, serialization, items: sortItems(items, serialization.method === "shards") };
}

type Fail = (reason: string) => Error;

function readResource(resource: unknown, index: number, serialization: Serialization, fail: Fail): ManifestItem {
  if (!isObject(resource)) throw fail(`has resource #${index + 1} that is not an object`);
  const { name, algorithm, digest } = resource;
  if (typeof name !== "string" || typeof algorithm !== "string" || typeof digest !== "string") {
    throw fail(`has resource #${index + 1} without a string name, algorithm and digest`);
  }
  if (fromHex(digest) === undefined) throw fail(`has resource ${quote(name)} whose digest is not hex`);
  const path = serialization.method === "shards" ? /^([\s\S]*):\d+:\d+$/.exec(name)?.[1] : name;
  if (path === undefined) throw fail(`has shard ${quote(name)} not named "path:start:end"`);
  if (!isSafeRelativePath(path)) throw fail(`has resource ${quote(name)} outside the model (absolute or with "..")`);
  return { name, algorithm, digest: digest.toLowerCase() };
}

function rejectDuplicates(items: readonly ManifestItem[], fail: Fail): void {
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.name)) throw fail(`lists resource ${quote(item.name)} twice`);
    seen.add(item.name);
  }
}

/**
 * v0.2: every file is a subject with its sha256; there is no serialization record, so the reference
 * assumes files + sha256 and no symlinks, and the model name is a constant.
 */
function manifestFromV02(statement: Record<string, unknown>, fail: Fail, maxResources: number): Manifest {
  const subjects = statement.subject;
  if (!Array.isArray(subjects) || subjects.length === 0) throw fail("has no subjects");
  if (subjects.length > maxResources) throw fail(`lists ${subjects.length} subjects; the limit is ${maxResources}`);
  const serialization: Serialization = { method: "files", hashType: "sha256", allowSymlinks: false, ignorePaths: [] };
  const items = subjects.map((subject, index) => {
    const digest = isObject(subject) && isObject(subject.digest) ? subject.digest.sha256 : undefined;
    const name = isObject(subject) ? subject.name : undefined;
    if (typeof name !== "string" || typeof digest !== "string") throw fail(`has subject #${index + 1} without a name and sha256 digest`);
    return readResource({ name, algorithm: "sha256", digest }, index, serialization, fail);
  });
  rejectDuplicates(items, fail);
  return { modelName: "compat-undefined-not-present", serialization, items: sortItems(items, false) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
