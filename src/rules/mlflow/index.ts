import type { Rule } from "../types.js";
import { mlf001 } from "./mlf001-custom-loader.js";
import { mlf002 } from "./mlf002-bundled-code.js";
import { mlf003 } from "./mlf003-path-escape.js";

/** Rules on MLflow MLmodel files. */
export const MLFLOW_RULES: readonly Rule[] = [mlf001, mlf002, mlf003] as readonly Rule[];
