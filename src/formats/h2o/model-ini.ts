/**
 * H2O MOJO `model.ini`: `[info]` with `key = value` lines, `[columns]` with one name per line,
 * `[domains]` with `<column>: <count> <file>` lines (h2o-genmodel ModelMojoReader).
 */
export interface MojoIni {
  info: Record<string, string>;
  columns: string[];
  domains: { column: number; count: number; file: string }[];
  /** Lines that fit no section grammar. */
  oddLines: number;
}

/** Lines read from one model.ini (CWE-770): a MOJO has one per column plus a few dozen. */
export const MOJO_MAX_INI_LINES = 1_000_000;

export function parseModelIni(text: string): MojoIni {
  const ini: MojoIni = { info: Object.create(null) as Record<string, string>, columns: [], domains: [], oddLines: 0 };
  let section = "";
  const lines = text.split(/\r?\n/, MOJO_MAX_INI_LINES);
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = (header[1] as string).toLowerCase();
      continue;
    }
    if (section === "info") {
      const eq = line.indexOf("=");
      if (eq > 0) ini.info[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
      else ini.oddLines++;
    } else if (section === "columns") {
      ini.columns.push(line);
    } else if (section === "domains") {
      const m = /^(\d+)\s*:\s*(\d+)\s+(\S+)$/.exec(line);
      if (m) ini.domains.push({ column: Number(m[1]), count: Number(m[2]), file: m[3] as string });
      else ini.oddLines++;
    } else {
      ini.oddLines++;
    }
  }
  return ini;
}

/** `[info]` as the first section (after a BOM, blank lines or comments), and an info key on some line. */
export function looksLikeModelIni(text: string): boolean {
  return startsWithInfoSection(text) && INFO_KEY_LINE.test(text);
}

/** `[^\S\n]*`, not `\s*`: a leading `\s*` under `m` rescans every following blank line from each line start. */
const INFO_KEY_LINE = /^[^\S\n]*(?:h2o_version|mojo_version|algo|algorithm)\s*=/m;

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

/**
 * A loop, not a regular expression: `(?:\s*#…\n|\s*\n)*` backtracks exponentially on a few dozen
 * blank lines (a 64-byte file never finished).
 */
function startsWithInfoSection(text: string): boolean {
  let i = text.startsWith("\ufeff") ? 1 : 0;
  for (;;) {
    while (isSpace(text[i])) i++;
    if (text[i] !== "#") break;
    const eol = text.indexOf("\n", i);
    if (eol < 0) return false;
    i = eol + 1;
  }
  if (!text.startsWith("[info]", i)) return false;
  // `\s*\r?\n` after the header: a whitespace run that holds a line break.
  for (i += 6; isSpace(text[i]); i++) if (text[i] === "\n") return true;
  return false;
}
