import type { Rule } from "../types.js";
import { html001 } from "./html001-kernel-execute.js";
import { html002 } from "./html002-script.js";
import { html003 } from "./html003-event-handler.js";
import { html004 } from "./html004-javascript-url.js";
import { html005 } from "./html005-embedded-document.js";

/** Rules on HTML artifacts and notebook outputs. */
export const HTML_RULES: readonly Rule[] = [html001, html002, html003, html004, html005] as readonly Rule[];
