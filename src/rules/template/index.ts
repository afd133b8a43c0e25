import type { Rule } from "../types.js";
import { tpl001 } from "./tpl001-template-dunder-access.js";
import { tpl002 } from "./tpl002-template-global-object.js";
import { tpl003 } from "./tpl003-template-code-execution.js";
import { tpl004 } from "./tpl004-template-dynamic-attribute.js";
import { tpl005 } from "./tpl005-template-built-name.js";
import { tpl006 } from "./tpl006-template-unparsed.js";
import { tpl007 } from "./tpl007-template-format-field.js";

/** The chat-template rules, in id order (also listed one by one in src/rules/index.ts). */
export const TEMPLATE_RULES: readonly Rule[] = [tpl001, tpl002, tpl003, tpl004, tpl005, tpl006, tpl007] as readonly Rule[];
