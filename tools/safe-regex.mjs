// Safe-regex check (part of npm run check:repo): regular expressions in src/formats and src/rules
// run on attacker bytes, so none may backtrack super-linearly. A small heuristic, not a proof:
//  1. nested quantifiers: a group repeated without bound that holds a quantifier able to repeat
//     (`(a+)+`, `(a*)*`, `(\s*x\s*)+`, `(?:\d{1,6},)+` is fine only because nothing inside repeats);
//  2. ambiguous repeated alternation: `(a|a)*`, `(?:\w|\d)+`, an empty alternative under `*`;
//  3. adjacent unbounded quantifiers over overlapping characters: `\s*\s+`, `[\w.-]*\w+`.
// What it cannot see (an unanchored `x.*y` rescanning from every `x`) the regression test
// src/formats/pathological.test.ts feeds to every handler. A line (or the line before) holding
// `safe-regex: <reason>` exempts one expression, with the reason written down.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Characters sampled to estimate what an atom can match (ASCII plus a few non-ASCII classes). */
const SAMPLES = [...Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)), "\u00a0", "\u00e9", "\u2028", "\u3000", "\ufeff"];
const INFINITE = Number.POSITIVE_INFINITY;

/** Parses a regex source into { alternatives: [[atom…]…] }; atoms carry min/max repeats. */
function parse(source) {
  let i = 0;
  function alternation() {
    const alternatives = [[]];
    while (i < source.length && source[i] !== ")") {
      if (source[i] === "|") {
        i++;
        alternatives.push([]);
        continue;
      }
      const atom = primary();
      quantifier(atom);
      alternatives.at(-1).push(atom);
    }
    return alternatives;
  }
  function primary() {
    const start = i;
    const c = source[i];
    if (c === "(") {
      i++;
      let lookaround = false;
      if (source[i] === "?") {
        if (source[i + 1] === ":") i += 2;
        else if (source[i + 1] === "=" || source[i + 1] === "!") {
          i += 2;
          lookaround = true;
        } else if (source[i + 1] === "<" && (source[i + 2] === "=" || source[i + 2] === "!")) {
          i += 3;
          lookaround = true;
        }
        else if (source[i + 1] === "<") i = source.indexOf(">", i) + 1;
      }
      const alternatives = alternation();
      i++; // ")"
      return { kind: "group", alternatives, lookaround, text: source.slice(start, i), min: 1, max: 1 };
    }
    if (c === "[") {
      i++;
      if (source[i] === "^") i++;
      if (source[i] === "]") i++;
      while (i < source.length && source[i] !== "]") i += source[i] === "\\" ? 2 : 1;
      i++;
      return { kind: "set", text: source.slice(start, i), min: 1, max: 1 };
    }
    if (c === "\\") {
      i += 2;
      if (/[ux]/.test(source[i - 1])) while (/[0-9a-fA-F{}]/.test(source[i] ?? "") && i - start < 8) i++;
      const zeroWidth = /^\\[bB]$/.test(source.slice(start, i));
      return { kind: zeroWidth ? "anchor" : "set", text: source.slice(start, i), min: 1, max: 1 };
    }
    i++;
    if (c === "^" || c === "$") return { kind: "anchor", text: c, min: 1, max: 1 };
    return { kind: "set", text: c, min: 1, max: 1 };
  }
  function quantifier(atom) {
    const c = source[i];
    if (c === "*" || c === "+" || c === "?") {
      atom.min = c === "+" ? 1 : 0;
      atom.max = c === "?" ? 1 : INFINITE;
      i++;
    } else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (!m) return;
      atom.min = Number(m[1]);
      atom.max = m[2] === undefined ? atom.min : m[3] === "" ? INFINITE : Number(m[3]);
      i += m[0].length;
    } else return;
    if (source[i] === "?") i++; // lazy: same backtracking, other order
  }
  return { kind: "group", alternatives: alternation(), text: source, min: 1, max: 1 };
}

/** What a sequence of atoms can start with (sample characters or "any") and whether it can match empty. */
function first(atoms, flags) {
  const out = new Set();
  for (const atom of atoms) {
    if (atom.kind === "anchor" || (atom.kind === "group" && atom.lookaround)) continue;
    const set = atomChars(atom, flags);
    if (set === "any") return { set: "any", nullable: false };
    for (const ch of set) out.add(ch);
    if (atom.min > 0 && !(atom.kind === "group" && groupNullable(atom, flags))) return { set: out, nullable: false };
  }
  return { set: out, nullable: true };
}

function atomChars(atom, flags) {
  if (atom.kind === "set") return charsOf(atom.text, flags);
  if (atom.kind !== "group") return new Set();
  const out = new Set();
  for (const alt of atom.alternatives) {
    const f = first(alt, flags);
    if (f.set === "any") return "any";
    for (const ch of f.set) out.add(ch);
  }
  return out;
}

function groupNullable(group, flags) {
  return group.alternatives.some((alt) => first(alt, flags).nullable);
}

function charsOf(text, flags) {
  let re;
  try {
    re = new RegExp(`^(?:${text})$`, flags.replace(/[gy]/g, ""));
  } catch {
    return "any";
  }
  return new Set(SAMPLES.filter((ch) => re.test(ch)));
}

function union(a, b) {
  if (a === "any" || b === "any") return "any";
  return new Set([...a, ...b]);
}

function overlaps(a, b) {
  if (a === "any" || b === "any") return true;
  for (const ch of a) if (b.has(ch)) return true;
  return false;
}

const variable = (atom) => atom.max > atom.min;
const unbounded = (atom) => atom.max === INFINITE;

/**
 * Inside a group repeated without bound: a variable repeat whose characters can also start what
 * comes after it within the iteration (or the next iteration) splits the same text many ways.
 * `(a+)+` and `(\s*x\s*)+` do; `(?:\.\d+)+` and `(?:[a-z]+\.)+` do not.
 */
function ambiguousRepeat(alternatives, after, flags) {
  for (const alt of alternatives) {
    for (let k = 0; k < alt.length; k++) {
      const atom = alt[k];
      if (atom.kind === "anchor" || (atom.kind === "group" && atom.lookaround)) continue;
      const rest = first(alt.slice(k + 1), flags);
      let follow = rest.nullable ? union(rest.set, after) : rest.set;
      if (atom.kind === "group") {
        if (atom.max > 1) follow = union(follow, atomChars(atom, flags));
        const inner = ambiguousRepeat(atom.alternatives, follow, flags);
        if (inner) return inner;
      }
      if (variable(atom) && overlaps(atomChars(atom, flags), follow)) return atom;
    }
  }
  return undefined;
}

/** Problems in one regex, as short sentences. */
export function checkRegex(source, flags = "") {
  const problems = [];
  const visit = (group) => {
    for (const alt of group.alternatives) {
      for (let k = 0; k < alt.length; k++) {
        const atom = alt[k];
        if (atom.kind === "group") {
          if (unbounded(atom) && !atom.lookaround) {
            const starts = atomChars(atom, flags);
            const inner = ambiguousRepeat(atom.alternatives, starts, flags);
            if (inner) problems.push(`nested quantifier: ${atom.text} repeats ${inner.text} ambiguously`);
            else if (groupNullable(atom, flags)) problems.push(`repeated group can match empty: ${atom.text}`);
            else if (atom.alternatives.length > 1) {
              const firsts = atom.alternatives.map((a) => first(a, flags).set);
              const clash = firsts.some((f, x) => firsts.some((g, y) => y > x && overlaps(f, g)));
              if (clash) problems.push(`ambiguous repeated alternation: ${atom.text}`);
            }
          }
          visit(atom);
        }
        const next = alt[k + 1];
        if (next && unbounded(atom) && unbounded(next) && atom.kind === "set" && next.kind === "set" && overlaps(charsOf(atom.text, flags), charsOf(next.text, flags))) {
          problems.push(`adjacent unbounded quantifiers over the same characters: ${atom.text}${quantText(atom)}${next.text}${quantText(next)}`);
        }
      }
    }
  };
  visit(parse(source));
  return problems;
}

function quantText(atom) {
  return atom.min === 0 && atom.max === INFINITE ? "*" : atom.min === 1 && atom.max === INFINITE ? "+" : `{${atom.min},}`;
}

/** Regex literals and `new RegExp("…")` string literals in TypeScript files, with line numbers. */
export async function regexLiterals(files, root) {
  const ts = (await import("typescript")).default;
  const out = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const lines = text.split("\n");
    const exempt = (line) => /safe-regex:\s*\S/.test(lines[line - 1] ?? "") || /safe-regex:\s*\S/.test(lines[line - 2] ?? "");
    const visit = (node) => {
      let source;
      let flags = "";
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const slash = node.text.lastIndexOf("/");
        source = node.text.slice(1, slash);
        flags = node.text.slice(slash + 1);
      } else if (ts.isNewExpression(node) && node.expression.getText() === "RegExp" && node.arguments?.[0] && ts.isStringLiteralLike(node.arguments[0])) {
        source = node.arguments[0].text;
        const f = node.arguments[1];
        flags = f && ts.isStringLiteralLike(f) ? f.text : "";
      }
      if (source !== undefined) {
        const line = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        out.push({ file: relative(root, file), line, source, flags, exempt: exempt(line) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

function* tsFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (path.endsWith(".ts") && !path.endsWith(".test.ts")) yield path;
  }
}

/** Problems in every non-test TypeScript file under `dirs`, as `file:line: message` lines. */
export async function checkRegexesIn(root, dirs) {
  const files = dirs.flatMap((d) => [...tsFiles(join(root, d))]);
  const problems = [];
  for (const r of await regexLiterals(files, root)) {
    if (r.exempt) continue;
    for (const p of checkRegex(r.source, r.flags)) problems.push(`${r.file}:${r.line}: /${r.source}/${r.flags}: ${p}`);
  }
  return problems;
}
