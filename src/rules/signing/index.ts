import type { Rule } from "../types.js";
import { sig001 } from "./sig001-signature.js";

/** The signing rules, in id order (also listed one by one in src/rules/index.ts). */
export const SIGNING_RULES: readonly Rule[] = [sig001] as readonly Rule[];
