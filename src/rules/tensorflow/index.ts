import type { Rule } from "../types.js";
import { tf001 } from "./tf001-host-access-op.js";
import { tf002 } from "./tf002-checkpoint-op.js";
import { tf003 } from "./tf003-nested-graph.js";
import { tf004 } from "./tf004-tflite-custom-op.js";

/** The TensorFlow rules, in id order (also listed one by one in src/rules/index.ts). */
export const TF_RULES: readonly Rule[] = [tf001, tf002, tf003, tf004] as readonly Rule[];
