/**
 * Python name normalisation, as the unpickler's `find_class` (with `fix_imports`) and the
 * interpreter see it: protocol 0–2 pickles say `__builtin__`, Linux pickles say `posix` where
 * the code said `os`, C accelerator modules stand in for their Python twins.
 */
const MODULE_ALIASES: Readonly<Record<string, string>> = {
  __builtin__: "builtins",
  exceptions: "builtins",
  copy_reg: "copyreg",
  cPickle: "pickle",
  _pickle: "pickle",
  posix: "os",
  nt: "os",
  _io: "io",
  _operator: "operator",
  _codecs: "codecs",
  commands: "subprocess",
  urllib2: "urllib.request",
  httplib: "http.client",
  Queue: "queue",
  cStringIO: "io",
  StringIO: "io",
  _socket: "socket",
  _ssl: "ssl",
  _collections: "collections",
  _functools: "functools",
  thread: "_thread",
  dummy_thread: "_dummy_thread",
  _marshal: "marshal",
  _pydecimal: "decimal",
  _datetime: "datetime",
  _pyio: "io",
  _sre: "re",
  _compat_pickle: "pickle",
  __main__: "__main__",
};

/** `_compat_pickle.NAME_MAPPING` entries that matter for the builtins. */
const NAME_ALIASES: Readonly<Record<string, string>> = {
  "builtins.reduce": "functools.reduce",
  "builtins.xrange": "builtins.range",
  "builtins.unicode": "builtins.str",
  "builtins.basestring": "builtins.str",
  "builtins.long": "builtins.int",
  "builtins.intern": "sys.intern",
  "builtins.raw_input": "builtins.input",
  "builtins.unichr": "builtins.chr",
  "builtins.file": "io.open",
  "os.getcwdu": "os.getcwd",
  "UserDict.UserDict": "collections.UserDict",
  "UserList.UserList": "collections.UserList",
  "itertools.izip": "builtins.zip",
  "itertools.imap": "builtins.map",
  "itertools.ifilter": "builtins.filter",
};

/** Normalises the first segment of a dotted path (`posix.system` -> `os.system`). */
export function normalizeDotted(path: string): string {
  const dot = path.indexOf(".");
  const head = dot === -1 ? path : path.slice(0, dot);
  const alias = MODULE_ALIASES[head];
  const normalized = alias === undefined ? path : dot === -1 ? alias : `${alias}${path.slice(dot)}`;
  return NAME_ALIASES[normalized] ?? normalized;
}

/** The full normalised dotted name of an import (`__builtin__`, `eval` -> `builtins.eval`). */
export function normalizeGlobal(module: string, name: string): string {
  return normalizeDotted(`${module}.${name}`);
}

/** `__x__` style names: attribute traversal through them reaches interpreter internals. */
export function isDunder(segment: string): boolean {
  return segment.length > 4 && segment.startsWith("__") && segment.endsWith("__");
}

/**
 * Longest dotted global (module + name) that is classified (CWE-407). Real ones are well under
 * 200 bytes; CPython resolves any length attribute by attribute, so a longer one is reported as
 * unresolvable by policy rather than matched, and never counts as safe.
 */
export const MAX_GLOBAL_NAME_BYTES = 1024;
/** Most dots in a dotted global that is classified (CWE-407); see MAX_GLOBAL_NAME_BYTES. */
export const MAX_GLOBAL_NAME_DOTS = 64;

/** Why `module` + `name` is too long to classify, or undefined when it is not. */
export function overlongGlobal(module: string, name: string): string | undefined {
  const length = module.length + 1 + name.length;
  if (length > MAX_GLOBAL_NAME_BYTES) return `name of ${length} characters exceeds the limit of ${MAX_GLOBAL_NAME_BYTES} (maxGlobalNameBytes)`;
  let dots = 1;
  for (let i = module.indexOf("."); i !== -1 && dots <= MAX_GLOBAL_NAME_DOTS; i = module.indexOf(".", i + 1)) dots++;
  for (let i = name.indexOf("."); i !== -1 && dots <= MAX_GLOBAL_NAME_DOTS; i = name.indexOf(".", i + 1)) dots++;
  if (dots > MAX_GLOBAL_NAME_DOTS) return `dotted name with more than ${MAX_GLOBAL_NAME_DOTS} dots (maxGlobalNameDots)`;
  return undefined;
}

/** The first `count` segments of a dotted path (the whole path when it has no more), in one pass. */
export function leadingSegments(path: string, count: number): string {
  let at = -1;
  for (let i = 0; i < count; i++) {
    at = path.indexOf(".", at + 1);
    if (at === -1) return path;
  }
  return path.slice(0, at);
}
