/**
 * Text shapes that do not belong in configuration values or safetensors metadata: Python code,
 * shell commands, HTML/JS and URLs. Nothing loads these strings by itself; they matter to code
 * that does (a Hydra instantiate, a post-processing hook, a model card renderer), which is why
 * each has its own rule and severity.
 */
export interface StringMatch {
  /** What the match shows ("runs a command", "imports os"). */
  what: string;
  /** The matched text, shortened. */
  match: string;
}

/** A regular expression, or linear code where the expression would backtrack (`exec` like RegExp's). */
interface Pattern {
  exec(text: string): { index: number; 0: string } | null;
}

const CODE: readonly (readonly [Pattern, string])[] = [
  [/\bimport\s+(?:os|subprocess|sys|socket|shutil|pty|ctypes|builtins|importlib|pickle|marshal|runpy|urllib|requests|base64|codecs)\b/, "imports a module used to run code or commands"],
  [/\bfrom\s+(?:os|subprocess|sys|socket|shutil|pty|ctypes|builtins|importlib|pickle|marshal|runpy)\s+import\b/, "imports from a module used to run code or commands"],
  [/\b__import__\s*\(/, "calls __import__"],
  [/\b(?:os\s*\.\s*(?:system|popen|exec[lv]p?e?|spawn[lv]p?e?|startfile)|subprocess\s*\.\s*(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|pty\s*\.\s*spawn|commands\s*\.\s*getoutput)\s*\(/, "runs a command"],
  [/(?<![\w.])(?:eval|exec|execfile)\s*\(/, "evaluates code"],
  [/\b(?:pickle|cPickle|marshal|dill|cloudpickle|joblib)\s*\.\s*loads?\s*\(/, "deserializes data into objects"],
  [/\bgetattr\s*\(\s*__builtins__/, "reaches builtins by name"],
  [/\b__builtins__\s*\[/, "reaches builtins by name"],
];

const SHELL: readonly (readonly [Pattern, string])[] = [
  [/\brm\s+-[a-zA-Z]{0,8}[rf][a-zA-Z]{0,8}\s+\S/, "deletes files"],
  [/\b(?:curl|wget)\b[^|\n]{0,200}\|\s*(?:ba|z|da|k)?sh\b/, "pipes a download into a shell"],
  [/\b(?:curl|wget)\s[^\n]{0,200}?(?:https?|ftp):\/\//, "downloads with curl or wget"],
  [/\bchmod\s+(?:[0-7]{3,4}|[ugoa]*\+[rwxs]+)\s+\S/, "changes file permissions"],
  [/\b(?:bash|sh|zsh|dash)\s+-c\s/, "runs a shell"],
  // Bounded flag runs: `(?:-\w+\s+)*-e` backtracks quadratically on `nc -nc -nc …`.
  [/\/dev\/tcp\/|\bnc(?:\s{1,8}-\w{1,16}){0,8}\s{1,8}-e\s|\bmkfifo\s/, "opens a reverse shell"],
  [/\bpowershell(?:\.exe)?\s+-\w/i, "runs PowerShell"],
  [/\bsudo\s+\S/, "runs a command as root"],
];

const SCRIPT: readonly (readonly [Pattern, string])[] = [
  [/<script\b/i, "holds a <script> element"],
  [/\bjavascript:/i, "holds a javascript: URL"],
  [/<iframe\b/i, "holds an <iframe>"],
  [{ exec: findEventHandler }, "holds an HTML event handler"],
];

const URL = /\b(?:https?|ftp|s3|gs):\/\/[^\s'"<>)]+/i;

/** Longest string searched (CWE-400); longer values are data, and the patterns are cheap but not free. */
export const MAX_SEARCHED_CHARS = 64 * 1024;

const EVENT_ATTRIBUTE = /\son(?:error|load|click|mouseover|focus)\s*=/gi;

/**
 * What `/<[a-z][^>]*\son(?:error|…)\s*=/i` matches, found in one pass: an event attribute with a
 * tag opener (`<` and a letter) before it and no `>` in between. The expression itself rescans
 * to the end from every `<a` (quadratic on `<a<a<a…`).
 */
function findEventHandler(text: string): { index: number; 0: string } | null {
  let cursor = 0;
  let lastOpen = -1;
  let lastClose = -1;
  EVENT_ATTRIBUTE.lastIndex = 0;
  for (let m = EVENT_ATTRIBUTE.exec(text); m !== null; m = EVENT_ATTRIBUTE.exec(text)) {
    for (; cursor < m.index; cursor++) {
      const c = text.charCodeAt(cursor);
      if (c === 0x3e) lastClose = cursor;
      else if (c === 0x3c && cursor + 1 < m.index && /[a-z]/i.test(text[cursor + 1] as string)) lastOpen = cursor;
    }
    if (lastOpen > lastClose) return { index: lastOpen, 0: text.slice(lastOpen, m.index + m[0].length) };
  }
  return null;
}

function first(text: string, patterns: readonly (readonly [Pattern, string])[]): StringMatch | undefined {
  const searched = text.length > MAX_SEARCHED_CHARS ? text.slice(0, MAX_SEARCHED_CHARS) : text;
  for (const [pattern, what] of patterns) {
    const m = pattern.exec(searched);
    if (m) return { what, match: around(searched, m.index, m[0].length) };
  }
  return undefined;
}

/** The match with a little context, at most 120 characters. */
function around(text: string, index: number, length: number): string {
  const from = Math.max(0, index - 20);
  const to = Math.min(text.length, index + Math.max(length, 60) + 20);
  return `${from > 0 ? "…" : ""}${text.slice(from, Math.min(to, from + 120))}${to < text.length ? "…" : ""}`.replace(/\s+/g, " ");
}

export function codeIn(text: string): StringMatch | undefined {
  return first(text, CODE);
}

export function shellIn(text: string): StringMatch | undefined {
  return first(text, SHELL);
}

export function scriptIn(text: string): StringMatch | undefined {
  return first(text, SCRIPT);
}

export function urlIn(text: string): string | undefined {
  return URL.exec(text.length > MAX_SEARCHED_CHARS ? text.slice(0, MAX_SEARCHED_CHARS) : text)?.[0];
}

/** Keys whose URL a library would fetch or call: a URL there is a redirect, not a citation. */
export const FETCHED_KEY = /url|uri|endpoint|callback|webhook|download|fetch|hook|remote|source_repo/i;
