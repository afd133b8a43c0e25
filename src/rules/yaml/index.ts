import type { Rule } from "../types.js";
import { yml001 } from "./yml001-python-tag.js";
import { yml002 } from "./yml002-foreign-object-tag.js";
import { yml003 } from "./yml003-alias-bomb.js";
import { yml004 } from "./yml004-yaml-malformed.js";

/** The YAML rules, in id order (also listed one by one in src/rules/index.ts). */
export const YAML_RULES: readonly Rule[] = [yml001, yml002, yml003, yml004] as readonly Rule[];
