/** A string a template expression evaluates to without any input, and whether it was assembled. */
export interface Folded {
  text: string;
  /** True when the value came from an operation (`~`, `format`, `join`, `chr`), not one literal. */
  built: boolean;
}

/** A node of `@huggingface/jinja`'s AST, read structurally (the package exports no AST types). */
export interface AstNode {
  type: string;
  [field: string]: unknown;
}

/** Longest folded string kept (CWE-400: `'_' * 10**9` must not allocate). */
export const MAX_FOLDED_LENGTH = 4096;
/** Deepest expression folded (CWE-674). */
const MAX_FOLD_DEPTH = 64;

export function isNode(value: unknown): value is AstNode {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/**
 * Evaluates the constant string operations SSTI payloads use to hide names from keyword filters:
 * concatenation, repetition, `%`/`format`, `join`, `chr()`, `replace`, case changes and `reverse`.
 *
 * @example
 * fold(parse(tokenize("{{ '__cla' ~ 'ss__' }}")).body[0]); // { text: "__class__", built: true }
 */
export function fold(node: unknown, depth = 0): Folded | undefined {
  if (!isNode(node) || depth > MAX_FOLD_DEPTH) return undefined;
  const result = foldNode(node, depth + 1);
  if (result === undefined || result.text.length > MAX_FOLDED_LENGTH) return undefined;
  return result;
}

function foldNode(node: AstNode, depth: number): Folded | undefined {
  switch (node.type) {
    case "StringLiteral":
      return typeof node.value === "string" ? { text: node.value, built: false } : undefined;
    case "IntegerLiteral":
      return typeof node.value === "number" ? { text: String(node.value), built: false } : undefined;
    case "BinaryExpression":
      return foldBinary(node, depth);
    case "CallExpression":
      return foldCall(node, depth);
    case "FilterExpression":
      return foldFilter(node, depth);
    default:
      return undefined;
  }
}

function operatorOf(node: AstNode): string | undefined {
  const op = node.operator as { value?: unknown } | undefined;
  return typeof op?.value === "string" ? op.value : undefined;
}

function foldBinary(node: AstNode, depth: number): Folded | undefined {
  const op = operatorOf(node);
  const left = fold(node.left, depth);
  if (op === "*") {
    const count = intOf(node.right);
    if (left === undefined || count === undefined || count * left.text.length > MAX_FOLDED_LENGTH) return undefined;
    return { text: left.text.repeat(Math.max(0, count)), built: true };
  }
  if (op === "%") return left === undefined ? undefined : percentFormat(left.text, node.right, depth);
  if (op !== "~" && op !== "+") return undefined;
  const right = fold(node.right, depth);
  if (left === undefined || right === undefined) return undefined;
  if (op === "+" && (isInt(node.left) || isInt(node.right))) return undefined;
  return { text: left.text + right.text, built: true };
}

function foldCall(node: AstNode, depth: number): Folded | undefined {
  const callee = node.callee;
  const args = Array.isArray(node.args) ? (node.args as unknown[]) : [];
  if (isNode(callee) && callee.type === "Identifier" && callee.value === "chr") {
    const code = intOf(args[0]);
    return code === undefined || code < 0 || code > 0x10ffff ? undefined : { text: String.fromCodePoint(code), built: true };
  }
  if (!isNode(callee) || callee.type !== "MemberExpression" || callee.computed === true) return undefined;
  const method = isNode(callee.property) && callee.property.type === "Identifier" ? String(callee.property.value) : undefined;
  if (method === "join") {
    const sep = fold(callee.object, depth);
    const items = foldItems(args[0], depth);
    return sep === undefined || items === undefined ? undefined : { text: items.join(sep.text), built: true };
  }
  const base = fold(callee.object, depth);
  if (base === undefined || method === undefined) return undefined;
  const folded = args.map((a) => fold(a, depth));
  switch (method) {
    case "format": {
      if (folded.some((f) => f === undefined)) return undefined;
      let i = 0;
      const text = base.text.replace(/\{(\d*)\}/g, (_, index: string) => (folded[index === "" ? i++ : Number(index)] ?? { text: "" }).text);
      return { text, built: true };
    }
    case "replace": {
      const [from, to] = folded;
      return from === undefined || to === undefined ? undefined : { text: base.text.split(from.text).join(to.text), built: true };
    }
    case "lower":
      return { text: base.text.toLowerCase(), built: true };
    case "upper":
      return { text: base.text.toUpperCase(), built: true };
    case "strip":
      return { text: base.text.trim(), built: true };
    default:
      return undefined;
  }
}

function foldFilter(node: AstNode, depth: number): Folded | undefined {
  const filter = node.filter;
  let name: string | undefined;
  let args: unknown[] = [];
  if (isNode(filter) && filter.type === "Identifier") name = String(filter.value);
  else if (isNode(filter) && filter.type === "CallExpression" && isNode(filter.callee) && filter.callee.type === "Identifier") {
    name = String(filter.callee.value);
    args = Array.isArray(filter.args) ? (filter.args as unknown[]) : [];
  }
  if (name === "join") {
    const items = foldItems(node.operand, depth);
    const sep = args.length > 0 ? fold(args[0], depth) : { text: "", built: false };
    return items === undefined || sep === undefined ? undefined : { text: items.join(sep.text), built: true };
  }
  const base = fold(node.operand, depth);
  if (base === undefined) return undefined;
  switch (name) {
    case "format":
      return percentFormat(base.text, { type: "TupleLiteral", value: args }, depth);
    case "reverse":
      return { text: [...base.text].reverse().join(""), built: true };
    case "lower":
      return { text: base.text.toLowerCase(), built: true };
    case "upper":
      return { text: base.text.toUpperCase(), built: true };
    case "trim":
    case "string":
      return { text: base.text.trim(), built: true };
    case "replace": {
      const from = fold(args[0], depth);
      const to = fold(args[1], depth);
      return from === undefined || to === undefined ? undefined : { text: base.text.split(from.text).join(to.text), built: true };
    }
    default:
      return undefined;
  }
}

/** Python `%` formatting with `%s`, `%d` and `%c` (an int becomes a character: `'%c' % 95` is `_`). */
function percentFormat(template: string, right: unknown, depth: number): Folded | undefined {
  const values = isNode(right) && (right.type === "TupleLiteral" || right.type === "ArrayLiteral") && Array.isArray(right.value) ? (right.value as unknown[]) : [right];
  let i = 0;
  let failed = false;
  const text = template.replace(/%([sdrc%])/g, (whole, spec: string) => {
    if (spec === "%") return "%";
    const value = values[i++];
    if (spec === "c") {
      const code = intOf(value);
      if (code !== undefined && code >= 0 && code <= 0x10ffff) return String.fromCodePoint(code);
    }
    const f = fold(value, depth);
    if (f === undefined) failed = true;
    return f?.text ?? whole;
  });
  return failed ? undefined : { text, built: true };
}

function foldItems(node: unknown, depth: number): string[] | undefined {
  if (!isNode(node) || (node.type !== "ArrayLiteral" && node.type !== "TupleLiteral") || !Array.isArray(node.value)) return undefined;
  const out: string[] = [];
  for (const item of node.value as unknown[]) {
    const f = fold(item, depth);
    if (f === undefined) return undefined;
    out.push(f.text);
  }
  return out;
}

function isInt(node: unknown): boolean {
  return isNode(node) && node.type === "IntegerLiteral";
}

function intOf(node: unknown): number | undefined {
  return isNode(node) && node.type === "IntegerLiteral" && typeof node.value === "number" ? node.value : undefined;
}
