import type { Rule } from "../types.js";
import { gguf001 } from "./gguf001-header-structure.js";
import { gguf002 } from "./gguf002-invalid-type.js";
import { gguf003 } from "./gguf003-array-nesting.js";
import { gguf004 } from "./gguf004-duplicate-key.js";
import { gguf005 } from "./gguf005-alignment-invalid.js";
import { gguf006 } from "./gguf006-tensor-info-invalid.js";

/** The GGUF rules, in id order (also listed one by one in src/rules/index.ts). */
export const GGUF_RULES: readonly Rule[] = [gguf001, gguf002, gguf003, gguf004, gguf005, gguf006] as readonly Rule[];
