import type { Rule } from "../types.js";
import { pt001 } from "./pt001-storage-short.js";
import { pt002 } from "./pt002-storage-records.js";
import { pt003 } from "./pt003-tensor-mutation.js";
import { pt004 } from "./pt004-odd-persistent-id.js";
import { pt005 } from "./pt005-legacy-magic-call.js";
import { pt006 } from "./pt006-legacy-layout.js";
import { pt007 } from "./pt007-torchscript-code.js";
import { pt008 } from "./pt008-torchscript-gadget.js";
import { pt009 } from "./pt009-torchscript-custom-op.js";

/** The torch rules, in id order (also listed one by one in src/rules/index.ts). */
export const TORCH_RULES: readonly Rule[] = [pt001, pt002, pt003, pt004, pt005, pt006, pt007, pt008, pt009] as readonly Rule[];
