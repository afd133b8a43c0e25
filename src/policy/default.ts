import data from "./default-policy.json" with { type: "json" };
import { createPolicy, type Policy, type PolicyData } from "./policy.js";

/** The policy shipped with modelvet (`src/policy/default-policy.json`). */
export const DEFAULT_POLICY_DATA = data as PolicyData;

export function defaultPolicy(): Policy {
  return createPolicy([DEFAULT_POLICY_DATA]);
}
