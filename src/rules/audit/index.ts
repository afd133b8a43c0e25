import type { Rule } from "../types.js";
import { aud001 } from "./aud001-vulnerable-framework-version.js";
import { aud002 } from "./aud002-vulnerable-version-moderate.js";
import { aud003 } from "./aud003-may-resolve-vulnerable.js";
import { aud004 } from "./aud004-version-not-checked.js";

/** The audit rules, in id order (also listed one by one in src/rules/index.ts). */
export const AUDIT_RULES: readonly Rule[] = [aud001, aud002, aud003, aud004] as readonly Rule[];
