import type { Rule } from "../types.js";
import { py001 } from "./py001-import-time-effect.js";
import { py002 } from "./py002-deferred-effect.js";
import { py003 } from "./py003-model-code.js";

/** The python rules, in id order (also listed one by one in src/rules/index.ts). */
export const PYTHON_RULES: readonly Rule[] = [py001, py002, py003] as readonly Rule[];
