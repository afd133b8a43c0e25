import data from "./default-policy.json" with { type: "json" };
import { createPolicy, type Policy, type PolicyData } from "./policy.js";

/** The policy shipped with modelvet (`src/policy/default-policy.json`). */
export const DEFAULT_POLICY_DATA = data as PolicyData;

let shared: Policy | undefined;

/** The default policy, built once: a policy is immutable, and building it is most of a small scan's cost. */
export function defaultPolicy(): Policy {
  shared ??= createPolicy([DEFAULT_POLICY_DATA]);
  return shared;
}
