/**
 * Names that matter in a Jinja server-side template injection. Chat templates only ever read
 * `messages`, a few flags and special tokens, and call `namespace()`, `raise_exception()` and
 * string methods; everything here reaches Python internals.
 */

/** `__class__`, `__globals__`, ...: a name that starts and ends with two underscores. */
export const DUNDER_NAME = /^__[A-Za-z0-9]\w*__$/;
/** A dunder anywhere inside a longer string (`x.__class__`, `'__globals__'`). */
export const DUNDER_INSIDE = /__[A-Za-z0-9]\w*?__/;

/**
 * Jinja and Flask globals whose attributes lead to Python function globals (`lipsum.__globals__`,
 * `cycler.__init__.__globals__`) or application state (`config`, `request`). Calling
 * `namespace(...)` is ordinary in chat templates; reading attributes of the class is not.
 */
export const GLOBAL_OBJECTS: ReadonlySet<string> = new Set([
  "lipsum",
  "cycler",
  "joiner",
  "namespace",
  "self",
  "config",
  "request",
  "url_for",
  "get_flashed_messages",
  "session",
  "g",
]);

/** Modules a payload walks to once it has function globals (`__globals__['os']`, `x.subprocess`). */
export const MODULE_NAMES: ReadonlySet<string> = new Set([
  "os",
  "subprocess",
  "sys",
  "builtins",
  "importlib",
  "posix",
  "nt",
  "pty",
  "shutil",
  "socket",
  "ctypes",
  "commands",
  "runpy",
  "pickle",
  "marshal",
  "urllib",
  "requests",
]);

/** Callables that run code, commands or open files. */
export const EXEC_NAMES: ReadonlySet<string> = new Set([
  "eval",
  "exec",
  "execfile",
  "compile",
  "__import__",
  "import_module",
  "popen",
  "system",
  "spawnl",
  "spawnlp",
  "spawnv",
  "spawnvp",
  "execl",
  "execlp",
  "execv",
  "execve",
  "execvp",
  "check_output",
  "check_call",
  "getoutput",
  "getstatusoutput",
  "Popen",
  "open",
  "urlopen",
  "load_module",
]);

/** Builtins that look attributes up by a computed name. */
export const DYNAMIC_ATTR_CALLS: ReadonlySet<string> = new Set(["getattr", "setattr", "delattr", "vars", "globals", "locals", "dir"]);

/** A name built at render time that an SSTI payload would want. */
export function isDangerousName(text: string): boolean {
  return DUNDER_INSIDE.test(text) || MODULE_NAMES.has(text) || EXEC_NAMES.has(text);
}
