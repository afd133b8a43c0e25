import { defineRule } from "../types.js";

/**
 * The outcome of checking a model folder's OpenSSF model signature (`scan --require-signature`).
 * Produced by src/node/signing/verify-for-scan.ts; the rule only reports it.
 */
export interface SignatureDocument {
  format: "signature";
  status: "verified" | "unsigned" | "invalid";
  /** The signature file that was checked (or looked for). */
  signature: string;
  /** Why it failed, in the verifier's words, or who signed when it verified. */
  detail: string;
  /** The verifier's failure code (`model-mismatch`, `signature-invalid`, …). */
  code?: string;
}

export const sig001 = defineRule<SignatureDocument>({
  meta: {
    id: "SIG001",
    slug: "model-signature-not-verified",
    formats: ["signature"],
    title: "Model signature missing or does not verify",
    description: "A signature was required for this model (scan --require-signature or the policy's signing section), and the model is unsigned, or its OpenSSF model signature fails: files changed, added or removed, or signed by someone not trusted.",
    defaultSeverity: "critical",
    confidence: "high",
    cwe: [345, 347, 494],
    references: ["https://github.com/sigstore/model-transparency", "https://openssf.org/projects/model-signing/"],
  },
  check(doc, { report }) {
    if (doc.status === "verified") return;
    const message =
      doc.status === "unsigned"
        ? `Model is not signed: no signature at ${JSON.stringify(doc.signature)}, and a signature is required`
        : `Model signature ${JSON.stringify(doc.signature)} does not verify: ${doc.detail}`;
    report({ message, evidence: doc.status === "unsigned" ? doc.detail : `${doc.code ?? "invalid"}: ${doc.detail}` });
  },
});
