import { isNode } from "./fold.js";

/** Longest expression rendering put into evidence. */
const MAX_SHOWN = 160;
const MAX_SHOW_DEPTH = 24;

/**
 * Renders an AST expression back to template-like text for evidence (`cycler.__init__.__globals__`).
 *
 * @example
 * show(memberExpression); // "lipsum.__globals__['os']"
 */
export function show(node: unknown): string {
  const text = render(node, 0);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

function render(node: unknown, depth: number): string {
  if (!isNode(node)) return "?";
  if (depth > MAX_SHOW_DEPTH) return "…";
  const r = (n: unknown): string => render(n, depth + 1);
  const list = (items: unknown): string => (Array.isArray(items) ? items.map(r).join(", ") : "");
  switch (node.type) {
    case "Identifier":
      return String(node.value);
    case "StringLiteral":
      return `'${String(node.value).replace(/[\\']/g, (c) => `\\${c}`)}'`;
    case "IntegerLiteral":
    case "FloatLiteral":
      return String(node.value);
    case "MemberExpression":
      return node.computed === true ? `${r(node.object)}[${r(node.property)}]` : `${r(node.object)}.${r(node.property)}`;
    case "CallExpression":
      return `${r(node.callee)}(${list(node.args)})`;
    case "FilterExpression":
      return `${r(node.operand)}|${r(node.filter)}`;
    case "BinaryExpression": {
      const op = (node.operator as { value?: unknown } | undefined)?.value;
      return `${r(node.left)} ${String(op)} ${r(node.right)}`;
    }
    case "ArrayLiteral":
      return `[${list(node.value)}]`;
    case "TupleLiteral":
      return `(${list(node.value)})`;
    case "KeywordArgumentExpression":
      return `${r(node.key)}=${r(node.value)}`;
    case "SliceExpression":
      return `${node.start === undefined ? "" : r(node.start)}:${node.stop === undefined ? "" : r(node.stop)}`;
    default:
      return "…";
  }
}
