import type { Rule } from "../types.js";
import { npy001 } from "./npy001-object-array.js";
import { npy002 } from "./npy002-bad-header.js";
import { npy003 } from "./npy003-data-size.js";

/** The numpy rules, in id order (also listed one by one in src/rules/index.ts). */
export const NUMPY_RULES: readonly Rule[] = [npy001, npy002, npy003] as readonly Rule[];
