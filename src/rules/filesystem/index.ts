import type { Rule } from "../types.js";
import { fs001 } from "./fs001-symlink-escape.js";

/** The filesystem rules, in id order (also listed one by one in src/rules/index.ts). */
export const FILESYSTEM_RULES: readonly Rule[] = [fs001] as readonly Rule[];
