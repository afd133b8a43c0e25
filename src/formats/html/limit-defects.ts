import { defect, type Defect } from "../../core/defect.js";
import { HTML_MAX_SCRIPT_CHARS, HTML_MAX_SRCDOC_DEPTH } from "./limits.js";
import type { HtmlScan } from "./types.js";

/**
 * The HTML limits a scan reached, as defects naming them: a script searched only up to
 * HTML_MAX_SCRIPT_CHARS, or a srcdoc document nested too deep to parse, may hide a kernel call,
 * so the file is not clean (every limit speaks).
 *
 * @example
 * defects.push(...htmlLimitDefects(scan));
 */
export function htmlLimitDefects(scan: HtmlScan): Defect[] {
  const out: Defect[] = [];
  if (scan.scriptsTruncated) {
    out.push(defect("limit-exceeded", `${scan.scriptsTruncated} script(s) longer than ${HTML_MAX_SCRIPT_CHARS} characters; only the first ${HTML_MAX_SCRIPT_CHARS} of each were searched for kernel calls`, { limit: "HTML_MAX_SCRIPT_CHARS" }));
  }
  if (scan.srcdocSkipped) {
    out.push(defect("limit-exceeded", `${scan.srcdocSkipped} iframe srcdoc document(s) nested deeper than ${HTML_MAX_SRCDOC_DEPTH} were not parsed`, { limit: "HTML_MAX_SRCDOC_DEPTH" }));
  }
  return out;
}
