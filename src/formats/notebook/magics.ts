/** A line of a code cell that runs outside Python when the cell is executed. */
export interface ShellCommand {
  cell: number;
  /** 1-based line in the cell. */
  line: number;
  /** `shell`: `!cmd`, `%%bash`, `%system`...; `install`: pip / conda / mamba / apt installs. */
  kind: "shell" | "install";
  text: string;
}

/** Cell magics whose body is a shell (or other interpreter) script. */
const SHELL_CELL_MAGIC = /^%%(?:bash|sh|script|system|powershell|cmd|perl|ruby)\b/;
/** Line magics that run a shell command. */
const SHELL_LINE_MAGIC = /^%(?:system|sx|sc)\b|^!/;
/** Package installs, as a magic, a shell escape or a bare IPython autocall line. */
const INSTALL = /^(?:[%!]\s*)?(?:(?:python3?|py)\s+-m\s+)?(?:pip3?|conda|mamba|micromamba|uv\s+pip|apt(?:-get)?|sudo\s+apt(?:-get)?)\s+install\b/;

/** Characters of a command line kept for the report. */
const MAX_LINE_CHARS = 200;

/**
 * Lines of a code cell that run shell commands or install packages when the cell runs. They do
 * nothing when the notebook is only opened or rendered.
 *
 * @example
 * findShellCommands("!curl x | sh\nimport os", 1); // [{ cell: 1, line: 1, kind: "shell", text: "!curl x | sh" }]
 */
export function findShellCommands(source: string, cell: number): ShellCommand[] {
  const out: ShellCommand[] = [];
  const lines = source.split(/\r?\n/);
  const shellCell = SHELL_CELL_MAGIC.test(lines[0]?.trim() ?? "");
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const text = line.slice(0, MAX_LINE_CHARS);
    if (INSTALL.test(line)) out.push({ cell, line: i + 1, kind: "install", text });
    else if (SHELL_LINE_MAGIC.test(line) || (shellCell && i === 0)) out.push({ cell, line: i + 1, kind: "shell", text });
  });
  return out;
}
