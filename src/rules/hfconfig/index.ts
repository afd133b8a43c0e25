import type { Rule } from "../types.js";
import { hfc001 } from "./hfc001-auto-map-remote-code.js";
import { hfc002 } from "./hfc002-auto-map-cross-repo.js";
import { hfc003 } from "./hfc003-attn-implementation-hub.js";
import { hfc004 } from "./hfc004-rag-index-redirect.js";
import { hfc005 } from "./hfc005-path-traversal.js";
import { hfc006 } from "./hfc006-absolute-path.js";
import { hfc007 } from "./hfc007-hydra-target.js";
import { hfc008 } from "./hfc008-hydra-framework-target.js";
import { hfc009 } from "./hfc009-config-code.js";
import { hfc010 } from "./hfc010-config-shell-command.js";
import { hfc011 } from "./hfc011-stray-template.js";
import { hfc012 } from "./hfc012-duplicate-key.js";
import { hfc013 } from "./hfc013-python-source.js";

/** The Hugging Face / Hydra config rules, in id order (also listed one by one in src/rules/index.ts). */
export const HF_CONFIG_RULES: readonly Rule[] = [hfc001, hfc002, hfc003, hfc004, hfc005, hfc006, hfc007, hfc008, hfc009, hfc010, hfc011, hfc012, hfc013] as readonly Rule[];
