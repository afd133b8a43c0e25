import { HTML_EXCERPT_CHARS, HTML_MAX_DECODES_PER_SCRIPT } from "./limits.js";

/**
 * Calls by which page script reaches a Jupyter kernel: classic notebook (`Jupyter.notebook.kernel`,
 * `IPython.notebook.kernel`, cell execution helpers), JupyterLab services (`requestExecute`,
 * `sessionContext.session.kernel`) and the kernel websocket. Output JS that gets here runs Python
 * as the user (CVE-2024-27132).
 */
const KERNEL_CALLS: readonly RegExp[] = [
  /\b(?:Jupyter|IPython)\s*\.\s*notebook\s*\.\s*kernel\s*\.\s*execute\b/,
  /\bkernel\s*\.\s*(?:execute|requestExecute)\s*\(/,
  /\brequestExecute\s*\(/,
  /\bkernel\s*\[\s*["'`](?:execute|requestExecute)["'`]\s*\]/,
  /\b(?:Jupyter|IPython)\s*\.\s*notebook\s*\.\s*(?:execute_cells?|execute_all_cells|execute_cell_range|execute_selected_cells|execute_cells_below|insert_cell_(?:below|above|at_index))\b/,
  /\bsessionContext\s*\.\s*session\s*\??\.\s*kernel\b/,
  /\bNotebookActions\s*\.\s*run\w*\s*\(/,
  // No `/` inside the id: `[^"'\`\s]*\/` rescans to the end from every `/api/kernels/` (quadratic).
  /\/api\/kernels\/[^"'`\s/]*\/channels/,
];

/** `atob("...")` with a literal, and `String.fromCharCode(1,2,3)` with literal numbers. */
const ATOB = /\batob\s*\(\s*(["'`])([A-Za-z0-9+/=\s]{12,})\1\s*\)/g;
const CHAR_CODES = /\bfromCharCode\s*\(\s*((?:\d{1,6}\s*,\s*){3,}\d{1,6})\s*\)/g;

function decodeBase64(text: string): string | undefined {
  const clean = text.replace(/\s+/g, "");
  // atob throws on bad input; check the alphabet and length first so it never does.
  if (clean.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return undefined;
  if (clean.includes("=") && clean.length % 4 !== 0) return undefined;
  return globalThis.atob(clean);
}

/** The first kernel-reaching call in `code`, also looking inside literal base64 and char-code strings. */
export function findKernelCall(code: string): string | undefined {
  const direct = matchKernel(code);
  if (direct) return direct;
  let decodes = 0;
  for (const m of code.matchAll(ATOB)) {
    if (++decodes > HTML_MAX_DECODES_PER_SCRIPT) break;
    const decoded = decodeBase64(m[2] as string);
    const hit = decoded === undefined ? undefined : matchKernel(decoded);
    if (hit) return `${hit} (inside atob(...))`;
  }
  for (const m of code.matchAll(CHAR_CODES)) {
    if (++decodes > HTML_MAX_DECODES_PER_SCRIPT) break;
    const decoded = String.fromCharCode(...(m[1] as string).split(",").map((n) => Number(n.trim()) & 0xffff));
    const hit = matchKernel(decoded);
    if (hit) return `${hit} (inside String.fromCharCode(...))`;
  }
  return undefined;
}

function matchKernel(code: string): string | undefined {
  for (const pattern of KERNEL_CALLS) {
    const m = pattern.exec(code);
    if (m) return m[0].replace(/\s+/g, "");
  }
  return undefined;
}

/**
 * The scheme a browser would see: tabs and newlines removed anywhere, leading C0 controls and
 * spaces stripped (WHATWG URL parsing), lower-cased. Entities were decoded by the HTML parser.
 */
export function urlScheme(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const cleaned = value.replace(/[\t\n\r]/g, "").replace(/^[\u0000-\u0020]+/, "");
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(cleaned);
  return m ? (m[1] as string).toLowerCase() : undefined;
}

/** Schemes whose URL body is script. */
export const SCRIPT_SCHEMES: ReadonlySet<string> = new Set(["javascript", "vbscript", "livescript"]);

/** Collapses whitespace and cuts to HTML_EXCERPT_CHARS. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > HTML_EXCERPT_CHARS ? `${flat.slice(0, HTML_EXCERPT_CHARS)}…` : flat;
}
