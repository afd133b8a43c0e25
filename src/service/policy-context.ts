import { createHash } from "node:crypto";
import { policyFromText } from "../engine/policy-text.js";
import { DEFAULT_POLICY_DATA } from "../policy/default.js";
import type { PolicyContext } from "./vet.js";

/**
 * The policy a verdict is judged under and its digest (part of every verdict key). The gate, the
 * crawler and the workers compute it here, in one place, so the same policy text gives the same
 * key everywhere and a crawl's verdicts answer the gate's pulls.
 *
 * @example
 * const { digest } = policyContextOf(undefined, "default policy");
 */
export function policyContextOf(text: string | undefined, label: string): PolicyContext {
  const digest = policyDigestOf(text);
  return { policy: policyFromText(text ?? "{\"version\": 1}", label), digest };
}

/** sha256 of the default policy and the policy document on top of it. */
export function policyDigestOf(text: string | undefined): string {
  return createHash("sha256").update(JSON.stringify(DEFAULT_POLICY_DATA)).update("\0").update(text ?? "").digest("hex");
}
