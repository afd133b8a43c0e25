import type { ByteSource } from "../../core/byte-source.js";
import type { CodeHit, TorchScriptFacts } from "./types.js";

/** Largest code file read: generated TorchScript is a few KiB to a few MiB per class (CWE-400). */
export const MAX_CODE_FILE_BYTES = 8 * 1024 * 1024;
/** Code read per archive, all files together (CWE-400). */
export const MAX_CODE_BYTES = 64 * 1024 * 1024;
/** Hits kept per list: enough evidence, bounded memory (CWE-770). */
const MAX_HITS = 200;

/** A pattern in TorchScript source and what it means. */
interface Gadget {
  re: RegExp;
  what: string;
}

/**
 * Calls that reach outside the model. `aten::save` and `aten::from_file` are real TorchScript
 * operators (torch 1.13 `_jit_get_all_schemas`): a `__setstate__` calling them writes or maps
 * files while the archive loads. The Python-only names cannot compile as TorchScript; in a code
 * file they mean hand-written code aimed at something that evaluates it (type comments).
 */
const GADGETS: Gadget[] = [
  { re: /(?<![\w.])torch\.save\s*\(|\bops\.aten\.save\b/, what: "torch.save (aten::save) writes a file" },
  { re: /(?<![\w.])torch\.from_file\s*\(|\bops\.aten\.from_file\b/, what: "torch.from_file (aten::from_file) maps a file into a tensor; shared=True writes through to it" },
  { re: /(?<![\w.])torch\.load\s*\(|(?<![\w.])torch\.jit\.load\s*\(/, what: "torch.load loads another file" },
  { re: /(?<![\w.])open\s*\(/, what: "open() touches the file system" },
  { re: /(?<![\w.])(os|posix|nt|shutil|pathlib)\.\w/, what: "os/shutil/pathlib call" },
  { re: /(?<![\w.])(subprocess|pty|commands)\b/, what: "process execution" },
  { re: /(?<![\w.])(__import__|importlib|__builtins__|builtins)\b/, what: "import machinery" },
  { re: /(?<![\w.])(eval|exec|compile)\s*\(/, what: "eval/exec of Python code" },
  { re: /(?<![\w.])(sys|pickle|marshal|ctypes|socket|urllib|requests)\.\w/, what: "Python module outside TorchScript" },
];

/** Type comments torch < 1.13.1 passed to eval() (torch.jit.annotations.parse_type_line, CVE-2022-45907). */
// No `$`: `.*` already stops at a line break, and an anchor after it backtracks quadratically on `#type:#type:…\u2028`.
const TYPE_COMMENT = /#\s*type\s*:(.*)/;
const TYPE_COMMENT_CODE = /(?<![\w.])(__import__|eval|exec|compile|getattr|globals|locals|lambda|open|os|sys|subprocess|builtins)\b|\bimport\b|;|\.\s*system\b/;

/** Operator namespaces registered by torch itself (1.13 schemas) and by its own companion libraries. */
const STANDARD_OP_NAMESPACES = new Set([
  "aten", "prim", "prims", "nvprims", "quantized", "_quantized", "quantization", "prepacked", "mkldnn_prepacked", "mkldnn",
  "profiler", "sparse", "c10d", "onnx", "static_runtime", "cuda", "xnnpack", "vulkan_prepack", "_nnapi", "fbgemm",
  "torchvision", "torchaudio", "torchtext", "image",
]);
/** Custom-class namespaces torch registers (`__torch__.torch.classes.<ns>`). */
const STANDARD_CLASS_NAMESPACES = new Set(["c10d", "dist_rpc", "mkldnn", "profiler", "quantized", "rnn", "sparse", "xnnpack", "_nnapi", "torchvision"]);

const OP_NAMESPACE = /(?<![\w])(?:torch\.)?ops\.(\w+)\.(\w+)/g;
const CLASS_NAMESPACE = /torch\.classes\.(\w+)\.(\w+)/g;
const CLASS_LINE = /^class\s+(\w+)/;
const SETSTATE = /^\s+def\s+__setstate__\s*\(/;

export function emptyTorchScriptFacts(): TorchScriptFacts {
  return { codeFiles: [], setstate: [], gadgets: [], customOps: [], unread: [] };
}

/**
 * Reads TorchScript code files (`code/**.py`) and records what runs at load (`__setstate__`),
 * what reaches outside the model, and which native operator namespaces the code needs.
 *
 * @example
 * const facts = emptyTorchScriptFacts();
 * await scanCodeFile(facts, "archive/code/__torch__.py", source, budget);
 */
export async function scanCodeFile(facts: TorchScriptFacts, path: string, source: ByteSource, budget: { bytes: number }): Promise<void> {
  facts.codeFiles.push({ path, bytes: source.size });
  if (source.size > MAX_CODE_FILE_BYTES || budget.bytes + source.size > MAX_CODE_BYTES) {
    facts.unread.push(`${path} (${source.size} bytes, over the code budget)`);
    return;
  }
  budget.bytes += source.size;
  const text = new TextDecoder("utf-8").decode(await source.read(0, source.size));
  scanCodeText(facts, path, text);
}

/** The same over text already in memory. */
export function scanCodeText(facts: TorchScriptFacts, path: string, text: string): void {
  let cls = "";
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const n = i + 1;
    const classMatch = CLASS_LINE.exec(line);
    if (classMatch) cls = classMatch[1] as string;
    if (SETSTATE.test(line) && facts.setstate.length < MAX_HITS) facts.setstate.push({ path, line: n, cls });
    const typeComment = TYPE_COMMENT.exec(line);
    const code = typeComment ? line.slice(0, typeComment.index) : line;
    for (const g of GADGETS) if (g.re.test(code)) addHit(facts.gadgets, { path, line: n, what: g.what, text: line.trim(), typeComment: false });
    if (typeComment && TYPE_COMMENT_CODE.test(typeComment[1] as string)) {
      addHit(facts.gadgets, { path, line: n, what: "type comment holds code (torch < 1.13.1 evaluated type comments, CVE-2022-45907)", text: line.trim(), typeComment: true });
    }
    for (const m of code.matchAll(OP_NAMESPACE)) {
      const ns = m[1] as string;
      if (!STANDARD_OP_NAMESPACES.has(ns)) addHit(facts.customOps, { path, line: n, what: `operator torch.ops.${ns}.${m[2] as string} from a custom namespace`, text: line.trim(), typeComment: false });
    }
    for (const m of code.matchAll(CLASS_NAMESPACE)) {
      const ns = m[1] as string;
      if (!STANDARD_CLASS_NAMESPACES.has(ns)) addHit(facts.customOps, { path, line: n, what: `class torch.classes.${ns}.${m[2] as string} from a custom namespace`, text: line.trim(), typeComment: false });
    }
  }
}

function addHit(list: CodeHit[], hit: CodeHit): void {
  if (list.length >= MAX_HITS) return;
  hit.text = hit.text.length > 200 ? `${hit.text.slice(0, 199)}…` : hit.text;
  list.push(hit);
}
