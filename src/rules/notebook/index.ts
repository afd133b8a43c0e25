import type { Rule } from "../types.js";
import { nb001 } from "./nb001-shell-command.js";
import { nb002 } from "./nb002-package-install.js";

/** Rules on Jupyter notebook code cells (outputs are covered by the HTML rules). */
export const NOTEBOOK_RULES: readonly Rule[] = [nb001, nb002] as readonly Rule[];
