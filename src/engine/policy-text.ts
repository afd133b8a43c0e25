import { parseDocument } from "yaml";
import { RULES } from "../rules/index.js";
import { DEFAULT_POLICY_DATA } from "../policy/default.js";
import { assertKnownRuleIds, createPolicy, PolicyError, validatePolicyData, type Policy } from "../policy/policy.js";

/**
 * A policy from a policy document's text (JSON or YAML) on top of the default policy; `label`
 * names it in errors. Pure (no file access): the CLI reads the file (`loadPolicy` in
 * `modelvet/node`), the gate reads policies stored with tokens, a browser reads a dropped file.
 *
 * @example
 * const policy = policyFromText("version: 1\nfailOn: medium\n", "policy.yaml");
 * @throws PolicyError `Cannot load policy "policy.yaml": …` naming what is wrong.
 */
export function policyFromText(text: string, label: string): Policy {
  const fail = (reason: string): PolicyError => new PolicyError(`Cannot load policy ${JSON.stringify(label)}: ${reason}`);
  const data = parsePolicyText(text, fail);
  try {
    validatePolicyData(data);
    assertKnownRuleIds(data, RULES.map((rule) => rule.meta.id));
  } catch (error) {
    if (error instanceof PolicyError) throw fail(lowerFirst(error.message));
    throw error;
  }
  return createPolicy([DEFAULT_POLICY_DATA, data]);
}

function parsePolicyText(text: string, fail: (reason: string) => PolicyError): unknown {
  if (text.trimStart().startsWith("{")) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw fail(`invalid JSON: ${(error as Error).message}`);
    }
  }
  const doc = parseDocument(text, { schema: "core" });
  // Warnings include unresolved tags (`!!python/object`): a policy has no business using them.
  const problem = doc.errors[0] ?? doc.warnings[0];
  // The first line carries the reason and "at line L, column C:"; the rest is a source excerpt.
  if (problem) throw fail(`invalid YAML: ${(problem.message.split("\n")[0] ?? "").replace(/:$/, "")}`);
  return doc.toJS() as unknown;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
