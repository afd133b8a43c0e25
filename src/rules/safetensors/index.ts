import type { Rule } from "../types.js";
import { st001 } from "./st001-header-invalid.js";
import { st002 } from "./st002-header-length.js";
import { st003 } from "./st003-duplicate-key.js";
import { st004 } from "./st004-unknown-dtype.js";
import { st005 } from "./st005-tensor-size-mismatch.js";
import { st006 } from "./st006-offsets-invalid.js";
import { st007 } from "./st007-trailing-data.js";
import { st008 } from "./st008-truncated-data.js";
import { st009 } from "./st009-metadata-not-string.js";
import { st010 } from "./st010-metadata-code.js";
import { st011 } from "./st011-metadata-shell-command.js";
import { st012 } from "./st012-metadata-remote-url.js";
import { st013 } from "./st013-metadata-script.js";
import { st014 } from "./st014-metadata-hydra-target.js";
import { st015 } from "./st015-index-path-escape.js";

/** The safetensors rules, in id order (also listed one by one in src/rules/index.ts). */
export const SAFETENSORS_RULES: readonly Rule[] = [st001, st002, st003, st004, st005, st006, st007, st008, st009, st010, st011, st012, st013, st014, st015] as readonly Rule[];
