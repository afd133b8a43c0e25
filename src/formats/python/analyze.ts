/**
 * What a Python file does when it is imported, read from its syntax tree (`@lezer/python`, pure
 * JS): the code MLflow's `loader_module`/`code:` paths and Hugging Face `auto_map` +
 * `trust_remote_code` will run. Nothing is executed; calls are named from the source text.
 *
 * Import time means module level and class bodies, decorators, default argument values and base
 * classes; function and lambda bodies run later (when the model is built or called).
 */
import { parser } from "@lezer/python";
import type { SyntaxNodeRef, Tree } from "@lezer/common";

export const PYTHON_MODULE_FORMAT = "python-module";

/** Bytes of a Python file parsed (CWE-400): model code (modeling_*.py) is a few hundred KiB at most. */
export const MAX_PYTHON_MODULE_BYTES = 1024 * 1024;
/** Time the parser may take per file (CWE-400); past it, what was parsed is judged and the file is marked unjudged. */
export const PYTHON_PARSE_MILLIS = 10_000;
/** Bracket nesting CPython accepts (its tokenizer's MAXLEVEL is 200); deeper files do not import at all. */
const MAX_BRACKET_DEPTH = 200;
/** Indentation levels CPython accepts (MAXINDENT 100); deeper files do not import at all. */
const MAX_INDENT_LEVELS = 100;
/** Effects kept per file (CWE-770): the first ones are the evidence. */
const MAX_EFFECTS = 64;
/** Syntax nodes visited per file (CWE-400); a 2 MiB file has far fewer. */
const MAX_NODES = 4_000_000;

export type EffectKind = "process" | "network" | "download" | "filesystem" | "exec" | "native" | "deserialize";

export interface PythonEffect {
  kind: EffectKind;
  /** Dotted callee after import aliases are resolved (`subprocess.run`, `builtins.open`). */
  callee: string;
  /** 1-based line of the call. */
  line: number;
  /** True when the call runs at import time (module level, class body, decorator, default value). */
  importTime: boolean;
  text: string;
}

export interface PythonModuleDocument {
  /** Shown path of the file. */
  path: string;
  /** Why the file will run: `auto_map.AutoModel in config.json`, `loader_module in MLmodel`. */
  tiedBy: string[];
  size: number;
  /** Only the first MAX_PYTHON_MODULE_BYTES were parsed. */
  truncated: boolean;
  /** Why the file could not be judged in full (parse time limit, nesting CPython refuses, parser failure). */
  unjudged?: string;
  /** Syntax errors the parser recovered from. */
  syntaxErrors: number;
  classes: number;
  functions: number;
  /** Module-level statements other than imports, definitions, docstrings and plain assignments. */
  otherTopLevel: number;
  effects: PythonEffect[];
}

/** Exact callees and what they do. */
const EXACT: Readonly<Record<string, EffectKind>> = {
  "builtins.eval": "exec",
  "builtins.exec": "exec",
  "builtins.compile": "exec",
  "builtins.__import__": "exec",
  "importlib.import_module": "exec",
  "os.system": "process",
  "os.popen": "process",
  "os.fork": "process",
  "os.kill": "process",
  "os.posix_spawn": "process",
  "os.posix_spawnp": "process",
  "pty.spawn": "process",
  "platform.popen": "process",
  "urllib.request.urlretrieve": "download",
  "torch.hub.load": "download",
  "torch.hub.download_url_to_file": "download",
  "torch.hub.load_state_dict_from_url": "download",
  "os.remove": "filesystem",
  "os.unlink": "filesystem",
  "os.rmdir": "filesystem",
  "os.removedirs": "filesystem",
  "os.rename": "filesystem",
  "os.replace": "filesystem",
  "os.makedirs": "filesystem",
  "os.mkdir": "filesystem",
  "os.chmod": "filesystem",
  "os.chown": "filesystem",
  "os.symlink": "filesystem",
  "os.link": "filesystem",
  "os.truncate": "filesystem",
  "os.putenv": "process",
  "pickle.load": "deserialize",
  "pickle.loads": "deserialize",
  "torch.load": "deserialize",
  "marshal.loads": "deserialize",
  "dill.load": "deserialize",
  "dill.loads": "deserialize",
  "joblib.load": "deserialize",
};

/** Module prefixes whose every call does the thing (`subprocess.run`, `requests.get`). */
const PREFIXES: readonly [string, EffectKind][] = [
  ["subprocess.", "process"],
  ["os.exec", "process"],
  ["os.spawn", "process"],
  ["multiprocessing.", "process"],
  ["socket.", "network"],
  ["urllib.request.", "network"],
  ["http.client.", "network"],
  ["requests.", "network"],
  ["httpx.", "network"],
  ["aiohttp.", "network"],
  ["ftplib.", "network"],
  ["smtplib.", "network"],
  ["paramiko.", "network"],
  ["huggingface_hub.", "download"],
  ["wget.", "download"],
  ["gdown.", "download"],
  ["shutil.", "filesystem"],
  ["tempfile.", "filesystem"],
  ["ctypes.", "native"],
  ["cffi.", "native"],
  ["runpy.", "exec"],
  ["code.", "exec"],
  ["torch.utils.cpp_extension.", "native"],
];

/** Method names that write or delete whatever object they are called on (paths, archives). */
const WRITE_METHODS = new Set(["write_text", "write_bytes", "unlink", "rmdir", "touch", "extractall", "symlink_to", "hardlink_to"]);

const BUILTIN_NAMES = new Set(["eval", "exec", "compile", "__import__", "open"]);

/**
 * Parses Python source and lists what it does on import and later.
 *
 * @example
 * analyzePython("import os\nos.system('id')\n", { path: "modeling_x.py", tiedBy: [] }).effects[0];
 * // { kind: "process", callee: "os.system", line: 2, importTime: true, … }
 */
export function analyzePython(source: string, meta: { path: string; tiedBy: string[]; size?: number; now?: () => number }): PythonModuleDocument {
  const truncated = source.length > MAX_PYTHON_MODULE_BYTES;
  const text = truncated ? source.slice(0, MAX_PYTHON_MODULE_BYTES) : source;
  const doc: PythonModuleDocument = {
    path: meta.path,
    tiedBy: meta.tiedBy,
    size: meta.size ?? source.length,
    truncated,
    syntaxErrors: 0,
    classes: 0,
    functions: 0,
    otherTopLevel: 0,
    effects: [],
  };
  const nesting = nestingProblem(text);
  if (nesting !== undefined) {
    doc.unjudged = nesting;
    return doc;
  }
  const lines = lineStarts(text);
  const aliases = new Map<string, string>();
  const tree = parseWithin(text, meta.now ?? Date.now, doc);
  if (tree === undefined) return doc;
  /** Depth of function/lambda bodies around the cursor: > 0 means "runs later". */
  let deferred = 0;
  let visited = 0;
  const walk = (): void => tree.iterate({
    enter: (node) => {
      if (++visited > MAX_NODES) return false;
      if (node.type.isError) doc.syntaxErrors++;
      switch (node.name) {
        case "ImportStatement":
          recordImport(text.slice(node.from, node.to), aliases);
          return false;
        case "ClassDefinition":
          doc.classes++;
          break;
        case "FunctionDefinition":
          doc.functions++;
          break;
        case "Body":
          if (node.node.parent?.name === "FunctionDefinition") deferred++;
          break;
        case "LambdaExpression":
          deferred++;
          break;
        case "CallExpression":
          noteCall(node, text, aliases, deferred === 0, lines, doc);
          break;
        case "Decorator":
          // `@get('https://…')` calls get(…) when the definition runs.
          if (node.node.getChild("ArgList")) noteCall(node, text, aliases, deferred === 0, lines, doc);
          break;
      }
      if (node.node.parent?.name === "Script" && isOtherStatement(node, text)) doc.otherTopLevel++;
      return undefined;
    },
    leave: (node) => {
      if ((node.name === "Body" && node.node.parent?.name === "FunctionDefinition") || node.name === "LambdaExpression") deferred--;
    },
  });
  try {
    walk();
  } catch (error) {
    // A tree deep enough to exhaust the stack: judged as far as the walk got, marked unjudged.
    if (!(error instanceof RangeError)) throw error;
    doc.unjudged = `the syntax tree is too deep to walk (${error.message})`;
  }
  return doc;
}

/** Parses under the time limit; a parser failure (stack exhaustion on hostile nesting) is a value. */
function parseWithin(text: string, now: () => number, doc: PythonModuleDocument): Tree | undefined {
  try {
    const started = now();
    const parse = parser.startParse(text);
    for (;;) {
      const tree = parse.advance();
      if (tree) return tree;
      if (now() - started > PYTHON_PARSE_MILLIS && parse.stoppedAt === null) {
        parse.stopAt(parse.parsedPos);
        doc.unjudged = `parsing stopped at byte ${parse.parsedPos} after the ${PYTHON_PARSE_MILLIS} ms limit (PYTHON_PARSE_MILLIS)`;
      }
    }
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    doc.unjudged = `the parser failed (${error.message})`;
    return undefined;
  }
}

/**
 * Bracket depth and indentation levels, in one linear pass (strings and comments skipped roughly):
 * past CPython's own limits the file cannot be imported, and the parser's recursion is at risk.
 */
function nestingProblem(text: string): string | undefined {
  let depth = 0;
  const indents = [0];
  let quote: string | undefined;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (lineStart && depth === 0 && quote === undefined) {
      let col = 0;
      while (text[i + col] === " " || text[i + col] === "\t") col++;
      const next = text[i + col];
      if (next !== "\n" && next !== "\r" && next !== "#" && next !== undefined) {
        while (col < (indents.at(-1) as number)) indents.pop();
        if (col > (indents.at(-1) as number)) indents.push(col);
        if (indents.length - 1 > MAX_INDENT_LEVELS) return `more than ${MAX_INDENT_LEVELS} indentation levels (CPython refuses the file)`;
      }
      lineStart = false;
    }
    if (quote !== undefined) {
      if (c === "\\") i++;
      else if (c === quote[0] && text.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = undefined;
      } else if (c === "\n" && quote.length === 1) {
        quote = undefined;
        lineStart = depth === 0;
      }
      continue;
    }
    if (c === "#") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end - 1;
    } else if (c === "'" || c === '"') {
      quote = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += quote.length - 1;
    }
    else if (c === "(" || c === "[" || c === "{") {
      if (++depth > MAX_BRACKET_DEPTH) return `brackets nested more than ${MAX_BRACKET_DEPTH} deep (CPython refuses the file)`;
    } else if ((c === ")" || c === "]" || c === "}") && depth > 0) depth--;
    else if (c === "\n") lineStart = true;
  }
  return undefined;
}

/** `import a.b as c, d` and `from x import y as z, w`: local name -> dotted origin. */
function recordImport(statement: string, aliases: Map<string, string>): void {
  const flat = statement.replace(/[()\\\n\r]/g, " ").replace(/\s+/g, " ").trim();
  const from = /^from (\S+) import (.+)$/.exec(flat);
  if (from) {
    const module = from[1] as string;
    for (const part of (from[2] as string).split(",")) {
      const [name, alias] = part.trim().split(" as ").map((s) => s.trim());
      if (name && name !== "*") aliases.set(alias || name, module.startsWith(".") ? name : `${module}.${name}`);
    }
    return;
  }
  const plain = /^import (.+)$/.exec(flat);
  if (!plain) return;
  for (const part of (plain[1] as string).split(",")) {
    const [name, alias] = part.trim().split(" as ").map((s) => s.trim());
    if (!name) continue;
    if (alias) aliases.set(alias, name);
    else aliases.set(name.split(".")[0] as string, name.split(".")[0] as string);
  }
}

/** The dotted name of a callee made only of names and dots (`os.path.join`), else its last attribute. */
function calleeName(node: SyntaxNodeRef, text: string): { dotted?: string; method?: string } {
  if (node.name === "Decorator") {
    const args = node.node.getChild("ArgList");
    const raw = text.slice(node.from + 1, args ? args.from : node.to).replace(/\s+/g, "");
    return /^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*$/.test(raw) ? { dotted: raw } : {};
  }
  const callee = node.node.firstChild;
  if (!callee) return {};
  const raw = text.slice(callee.from, callee.to).replace(/\s+/g, "");
  if (/^[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*$/.test(raw)) return { dotted: raw };
  if (callee.name === "MemberExpression") {
    const last = callee.lastChild;
    if (last?.name === "PropertyName") return { method: text.slice(last.from, last.to) };
  }
  return {};
}

function noteCall(node: SyntaxNodeRef, text: string, aliases: Map<string, string>, importTime: boolean, lines: number[], doc: PythonModuleDocument): void {
  if (doc.effects.length >= MAX_EFFECTS) return;
  const { dotted, method } = calleeName(node, text);
  let resolved: string | undefined;
  let kind: EffectKind | undefined;
  if (dotted !== undefined) {
    const head = dotted.split(".")[0] as string;
    const origin = aliases.get(head);
    resolved = origin !== undefined ? `${origin}${dotted.slice(head.length)}` : BUILTIN_NAMES.has(dotted) ? `builtins.${dotted}` : dotted;
    kind = EXACT[resolved] ?? PREFIXES.find(([prefix]) => resolved?.startsWith(prefix))?.[1];
    if (kind === undefined && /(?:^|\.)\w*download\w*$/i.test(resolved)) kind = "download";
    if (kind === undefined && (resolved === "builtins.open" || resolved === "io.open" || resolved === "codecs.open") && opensForWriting(node, text)) kind = "filesystem";
    const last = dotted.split(".").at(-1) ?? "";
    if (kind === undefined && dotted.includes(".") && WRITE_METHODS.has(last)) kind = "filesystem";
  } else if (method !== undefined && WRITE_METHODS.has(method)) {
    resolved = `.${method}`;
    kind = "filesystem";
  }
  if (kind === undefined || resolved === undefined) return;
  const snippet = text.slice(node.from, Math.min(node.to, node.from + 120)).replace(/\s+/g, " ");
  doc.effects.push({ kind, callee: resolved, line: lineOf(lines, node.from), importTime, text: snippet });
}

/** `open(path, 'w')`, `open(path, mode='a')`: a mode with w, a, x or + writes. */
function opensForWriting(node: SyntaxNodeRef, text: string): boolean {
  const args = node.node.getChild("ArgList");
  if (!args) return false;
  const body = text.slice(args.from, args.to);
  const mode = /mode\s*=\s*['"]([^'"]*)['"]/.exec(body)?.[1] ?? /^\([^,]*,\s*['"]([^'"]*)['"]/.exec(body)?.[1];
  return mode !== undefined && /[wax+]/.test(mode);
}

/** Module-level statements beyond imports, definitions, docstrings, plain assignments and pass. */
function isOtherStatement(node: SyntaxNodeRef, text: string): boolean {
  switch (node.name) {
    case "ImportStatement":
    case "ClassDefinition":
    case "FunctionDefinition":
    case "DecoratedStatement":
    case "AssignStatement":
    case "PassStatement":
    case "Comment":
      return false;
    case "ExpressionStatement": {
      const first = node.node.firstChild;
      return !(first && first.name === "String" && first.to === node.to) && text.slice(node.from, node.to).trim() !== "...";
    }
    default:
      return /Statement$/.test(node.name);
  }
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) out.push(i + 1);
  return out;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
