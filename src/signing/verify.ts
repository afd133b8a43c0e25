import type { ModelBundle } from "./bundle.js";
import { IN_TOTO_PAYLOAD_TYPE } from "./dsse.js";
import { quote, signingError, type SigningStage } from "./errors.js";
import { compareManifests, describeDiff, isEmptyDiff, type Manifest } from "./manifest.js";
import type { Serialization } from "./serialization.js";
import { manifestFromPayload, type Sha256 } from "./statement.js";

/** Who signed, in words, for the success line and the scan report ("key e8450dec… (ECDSA P-384)"). */
export type SignerDescription = string;

export interface VerifyBundleDependencies {
  /** Checks the DSSE signature and the trust in whoever made it; throws SigningError when either fails. */
  checkSignature(bundle: ModelBundle): Promise<SignerDescription>;
  /** Hashes the model on disk the way the signature says it was serialized. */
  hashModel(signed: Serialization): Promise<Manifest>;
  sha256: Sha256;
}

export interface VerifiedModel {
  signer: SignerDescription;
  /** The signed manifest, which the model on disk matches. */
  manifest: Manifest;
}

/**
 * Verification in the reference tool's order, failing at the first problem: the signature and the
 * signer, then the payload, then the files on disk against the signed manifest.
 *
 * @example
 * const { signer } = await verifyBundle(parseBundle(text), { checkSignature, hashModel, sha256 });
 */
export async function verifyBundle(bundle: ModelBundle, deps: VerifyBundleDependencies): Promise<VerifiedModel> {
  const signer = await deps.checkSignature(bundle);
  if (bundle.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw signingError("verify", "payload-invalid", `the envelope's payloadType is ${quote(bundle.payloadType)}; expected ${quote(IN_TOTO_PAYLOAD_TYPE)}`);
  }
  const expected = manifestFromPayload(bundle.payload, deps.sha256);
  const actual = await deps.hashModel(expected.serialization);
  assertSameManifest(expected, actual, { stage: "verify" });
  return { signer, manifest: expected };
}

/**
 * Fails when the files on disk differ from the expected manifest, naming what was added, removed or
 * changed.
 */
export function assertSameManifest(expected: Manifest, actual: Manifest, { stage }: { stage: SigningStage }): void {
  const diff = compareManifests(expected, actual);
  if (isEmptyDiff(diff)) return;
  const what = stage === "lock" ? "locked" : "signed";
  // Nothing signed is on disk: not a tampered model but someone else's signature (or lock).
  if (expected.items.length > 0 && diff.removed.length === expected.items.length) {
    const file = stage === "lock" ? "lock file" : "signature";
    throw signingError(stage, "model-mismatch", `this ${file} belongs to another model: it ${what} ${quote(expected.modelName)} (${describeNames(diff.removed)}), none of whose files are in ${quote(actual.modelName)}`);
  }
  throw signingError(stage, "model-mismatch", `the model differs from the ${what} manifest: ${describeDiff(diff).replaceAll("signed", what)}`);
}

function describeNames(names: readonly string[]): string {
  const shown = names.slice(0, 3).map(quote).join(", ");
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}
