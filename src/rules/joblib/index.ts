import type { Rule } from "../types.js";
import { jbl001 } from "./jbl001-side-file.js";
import { jbl002 } from "./jbl002-side-file-escape.js";

/** The joblib rules, in id order (also listed one by one in src/rules/index.ts). */
export const JOBLIB_RULES: readonly Rule[] = [jbl001, jbl002] as readonly Rule[];
