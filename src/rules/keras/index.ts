import type { Rule } from "../types.js";
import { hdf001 } from "./hdf001-external-reference.js";
import { hdf002 } from "./hdf002-external-escape.js";
import { keras001 } from "./keras001-lambda-code.js";
import { keras002 } from "./keras002-module-outside-allowlist.js";
import { keras003 } from "./keras003-dangerous-reference.js";
import { keras004 } from "./keras004-safe-mode-off.js";
import { keras005 } from "./keras005-torch-module-wrapper.js";
import { keras006 } from "./keras006-external-path-argument.js";

/** The Keras and HDF5 rules, in id order (also listed one by one in src/rules/index.ts). */
export const KERAS_RULES: readonly Rule[] = [hdf001, hdf002, keras001, keras002, keras003, keras004, keras005, keras006] as readonly Rule[];
