import type { Rule } from "../types.js";
import { java001 } from "./java001-gadget-class.js";
import { java002 } from "./java002-serialized-object.js";
import { java003 } from "./java003-embedded-bytecode.js";
import { java004 } from "./java004-h2o-binary-model.js";

/** Rules on Java serialization streams and H2O binary models. */
export const JAVA_RULES: readonly Rule[] = [java001, java002, java003, java004] as readonly Rule[];
