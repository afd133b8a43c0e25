import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier, type Signer } from "@sigstore/verify";
import { quote, signingError } from "../../signing/errors.js";

/** An identity a keyless signature may come from: the certificate's SAN and its OIDC issuer. */
export interface TrustedIdentity {
  /** Email or URI in the certificate's subjectAlternativeName, matched exactly. */
  identity: string;
  /** The OIDC issuer recorded by Fulcio, matched exactly (https://accounts.google.com, …). */
  issuer: string;
}

/**
 * Verifies a keyless (Sigstore) bundle offline with @sigstore/verify: the Fulcio certificate chains
 * to the trusted root at the transparency log's time, the log entry and its inclusion proof or
 * promise check out, the certificate was logged in CT, and the DSSE signature is valid. Then the
 * signer must be one of `identities`, compared exactly (the library's own policy treats the
 * identity as a regular expression, so it is not used).
 *
 * @example
 * verifyKeyless(bundle.json, { trustedRoot: await loadTrustedRoot(), identities: [{ identity: "me@example.com", issuer: "https://accounts.google.com" }] });
 * @throws SigningError sigstore-invalid or identity-mismatch.
 */
export function verifyKeyless(bundleJson: Record<string, unknown>, trust: { trustedRoot: Record<string, unknown>; identities: readonly TrustedIdentity[] }): string {
  const { trustedRoot, identities } = trust;
  let signer: Signer;
  try {
    const bundle = bundleFromJSON(bundleJson);
    const trust = toTrustMaterial(TrustedRoot.fromJSON(trustedRoot));
    signer = new Verifier(trust).verify(toSignedEntity(bundle));
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw signingError("verify", "sigstore-invalid", `the Sigstore signature does not verify against the trusted root: ${(error as Error).message}${code ? ` (${code})` : ""}`);
  }
  const san = signer.identity?.subjectAlternativeName;
  const issuer = signer.identity?.extensions?.issuer;
  const match = identities.find((t) => t.identity === san && t.issuer === issuer);
  if (match === undefined) {
    const wanted = identities.map((t) => `${quote(t.identity)} from ${quote(t.issuer)}`).join(" or ");
    throw signingError("verify", "identity-mismatch", `the model was signed by ${quote(san ?? "(no identity)")} from ${quote(issuer ?? "(no issuer)")}, not by ${wanted}`);
  }
  return `${match.identity} (issuer ${match.issuer}, Sigstore keyless)`;
}
