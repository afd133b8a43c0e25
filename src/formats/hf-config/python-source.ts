import type { FormatAnalysis, FormatHandler } from "../../core/handler.js";
import { looksLikeText, readBytes } from "./read-bytes.js";

export const PYTHON_SOURCE_FORMAT = "python-source";

/** Bytes of a Python file read to recognise it (CWE-400); the imports sit at the top. */
export const MAX_PYTHON_SNIFF_BYTES = 64 * 1024;
/** Imports listed per file (CWE-770). */
const MAX_IMPORTS = 50;

const PYTHON_NAME = /\.py$/i;
/** `archive/code/__torch__.py`, `archive/code/__torch__/model.py` inside a TorchScript zip. */
const TORCHSCRIPT_CODE = /(?:^|[/!])code\/__torch__[/.]/;
const SHEBANG = /^#![^\n]*\bpython/;
/** Lines only Python starts with: imports, definitions, decorators, the main guard. */
const PYTHON_LINE = /^(?:import\s+[A-Za-z_][\w.]*|from\s+\.*[A-Za-z_][\w.]*\s+import\s+|from\s+\.+\s+import\s+|def\s+\w+\s*\(|async\s+def\s+\w+\s*\(|class\s+\w+\s*[(:]|if\s+__name__\s*==|@[A-Za-z_][\w.]*)/gm;
const IMPORTED = /^(?:import\s+([A-Za-z_][\w.]*)|from\s+(\.*[A-Za-z_][\w.]*|\.+)\s+import\s)/gm;

/** A Python source file: code that runs when a config's `auto_map` names it and `trust_remote_code=True`. */
export interface PythonSourceDocument {
  name: string;
  /** Module name as `auto_map` spells it (`modeling_foo` for `modeling_foo.py`). */
  module: string;
  size: number;
  shebang: boolean;
  /** Lines that only Python starts with, found in the part read. */
  pythonLines: number;
  /** Top-level modules imported (`os`, `torch`, `.configuration_foo`). */
  imports: string[];
}

/**
 * Python source, recognised by content: a python shebang or at least two lines that only Python
 * starts with (one when the file is named `.py`). Never executed, only described.
 *
 * @example
 * const analysis = await pythonSourceHandler.analyze(new MemorySource(bytes), ctx);
 */
export const pythonSourceHandler: FormatHandler = {
  id: PYTHON_SOURCE_FORMAT,
  priority: 5,
  sniff(head, hint) {
    // TorchScript archives carry their compiled code as .py members; the torch rules own those.
    if (hint.memberPath !== undefined && TORCHSCRIPT_CODE.test(hint.memberPath)) return "no";
    if (!looksLikeText(head)) return "no";
    const text = new TextDecoder("utf-8").decode(head);
    // Strong on a python shebang or a .py name with Python lines: "import ..." and "class ..."
    // also start like protocol-0 pickles, which would otherwise be tried first.
    if (SHEBANG.test(text) || (PYTHON_NAME.test(hint.name) && countLines(text) > 0)) return "strong";
    return countLines(text) > 0 || PYTHON_NAME.test(hint.name) ? "weak" : "no";
  },
  async analyze(source, ctx): Promise<FormatAnalysis | undefined> {
    if (ctx.memberPath !== undefined && TORCHSCRIPT_CODE.test(ctx.memberPath)) return undefined;
    const bytes = await readBytes(source, 0, Math.min(source.size, MAX_PYTHON_SNIFF_BYTES));
    if (!looksLikeText(bytes.subarray(0, 4096))) return undefined;
    const text = new TextDecoder("utf-8").decode(bytes);
    const shebang = SHEBANG.test(text);
    const pythonLines = countLines(text);
    const named = PYTHON_NAME.test(ctx.name);
    const convincing = shebang || (named ? pythonLines >= 1 : pythonLines >= 2 && startsLikePython(text));
    if (!convincing) return undefined;
    const document: PythonSourceDocument = { name: ctx.name, module: ctx.name.replace(/\.py$/i, ""), size: source.size, shebang, pythonLines, imports: importsOf(text) };
    return { format: PYTHON_SOURCE_FORMAT, document, defects: [] };
  },
};

/** The first line that is not blank or a comment opens a docstring or a Python statement (a README does not). */
function startsLikePython(text: string): boolean {
  const line = text.split("\n").find((l) => l.trim() !== "" && !l.trimStart().startsWith("#")) ?? "";
  return /^(?:[rRbBuU]?(?:"""|''')|import\s|from\s|def\s|async\s+def\s|class\s|@[A-Za-z_]|if\s+__name__)/.test(line);
}

function countLines(text: string): number {
  return text.match(PYTHON_LINE)?.length ?? 0;
}

function importsOf(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(IMPORTED)) {
    const name = m[1] ?? m[2];
    if (name === undefined) continue;
    out.add(name.startsWith(".") ? name : (name.split(".")[0] as string));
    if (out.size >= MAX_IMPORTS) break;
  }
  return [...out];
}
