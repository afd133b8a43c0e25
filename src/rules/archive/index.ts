import type { Rule } from "../types.js";
import { arc001 } from "./arc001-member-path-traversal.js";
import { arc002 } from "./arc002-link-escape.js";
import { arc003 } from "./arc003-decompression-bomb.js";
import { arc004 } from "./arc004-reader-disagreement.js";
import { arc005 } from "./arc005-crc-mismatch.js";
import { arc006 } from "./arc006-polyglot-data.js";
import { arc007 } from "./arc007-encrypted-member.js";
import { arc008 } from "./arc008-special-member.js";
import { arc009 } from "./arc009-fifo-member.js";

/** The archive rules, in id order (also listed one by one in src/rules/index.ts). */
export const ARCHIVE_RULES: readonly Rule[] = [arc001, arc002, arc003, arc004, arc005, arc006, arc007, arc008, arc009] as readonly Rule[];
