import type { Rule } from "../types.js";
import { pkl001 } from "./pkl001-dangerous-global.js";
import { pkl002 } from "./pkl002-unknown-global-called.js";
import { pkl003 } from "./pkl003-unknown-global-imported.js";
import { pkl004 } from "./pkl004-ml-class.js";
import { pkl005 } from "./pkl005-unresolved-import.js";
import { pkl006 } from "./pkl006-nested-deserializer.js";
import { pkl007 } from "./pkl007-code-object.js";
import { pkl008 } from "./pkl008-encoded-payload.js";
import { pkl009 } from "./pkl009-expansion-bomb.js";
import { pkl010 } from "./pkl010-frame-violation.js";
import { pkl011 } from "./pkl011-malformed-stream.js";
import { pkl012 } from "./pkl012-dunder-traversal.js";
import { pkl013 } from "./pkl013-build-on-global.js";
import { pkl014 } from "./pkl014-dynamic-callable.js";
import { pkl015 } from "./pkl015-embedded-pickle.js";
import { pkl016 } from "./pkl016-deferred-callable.js";

/** The pickle rules, in id order (also listed one by one in src/rules/index.ts). */
export const PICKLE_RULES: readonly Rule[] = [pkl001, pkl002, pkl003, pkl004, pkl005, pkl006, pkl007, pkl008, pkl009, pkl010, pkl011, pkl012, pkl013, pkl014, pkl015, pkl016] as readonly Rule[];
