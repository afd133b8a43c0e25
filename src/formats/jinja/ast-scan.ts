import { fold, isNode, type AstNode } from "./fold.js";
import { DUNDER_INSIDE, DUNDER_NAME, DYNAMIC_ATTR_CALLS, EXEC_NAMES, GLOBAL_OBJECTS, MODULE_NAMES, isDangerousName } from "./names.js";
import { FORMAT_METHODS, attributeFields } from "./format-fields.js";
import { show } from "./show.js";
import type { SignalSink } from "./signal-sink.js";

/** AST nodes visited per template (CWE-400); a 1 MiB template has far fewer. */
const MAX_AST_NODES = 2_000_000;

/**
 * Walks a parsed template and reports SSTI shapes: dunder attributes, attributes of Jinja/Flask
 * globals, code-running calls, dynamic attribute lookups and names built at render time.
 */
export function scanAst(program: unknown, sink: SignalSink): void {
  new AstScan(sink).run(program);
}

class AstScan {
  /** `{% set x = cycler %}`: x stands for cycler from here on. */
  private readonly aliases = new Map<string, string>();
  /** Loop variables, macro parameters and other set names: not Jinja globals any more. */
  private readonly locals = new Set<string>();

  constructor(private readonly sink: SignalSink) {}

  run(program: unknown): void {
    const stack: unknown[] = [program];
    let visited = 0;
    while (stack.length > 0 && visited++ < MAX_AST_NODES) {
      const node = stack.pop();
      if (!isNode(node)) continue;
      this.visit(node);
      const children = childrenOf(node);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }

  private visit(node: AstNode): void {
    switch (node.type) {
      case "Identifier":
        if (DUNDER_NAME.test(String(node.value))) this.sink.add("dunder", String(node.value), String(node.value), "ast");
        break;
      case "MemberExpression":
        this.member(node);
        break;
      case "CallExpression":
        this.call(node);
        this.built(node);
        break;
      case "FilterExpression":
      case "FilterStatement":
        this.filter(node);
        this.built(node);
        break;
      case "BinaryExpression":
        this.built(node);
        break;
      case "Set":
        this.assignment(node);
        break;
      case "For":
        this.declare(node.loopvar);
        break;
      case "Macro":
        this.declare(node.name);
        if (Array.isArray(node.args)) for (const arg of node.args) this.declare(isNode(arg) && arg.type === "KeywordArgumentExpression" ? arg.key : arg);
        break;
    }
  }

  private member(node: AstNode): void {
    const property = node.property;
    let name: string | undefined;
    let built = false;
    if (node.computed === true) {
      const f = fold(property);
      name = f?.text;
      built = f?.built ?? false;
    } else if (isNode(property) && property.type === "Identifier") {
      name = String(property.value);
    }
    if (name !== undefined) {
      const dunder = DUNDER_INSIDE.exec(name);
      if (dunder) this.sink.add("dunder", dunder[0], show(node), "ast");
      if (MODULE_NAMES.has(name)) this.sink.add("exec", name, show(node), "ast");
      if (built && isDangerousName(name)) this.sink.add("built-name", name, show(property), "ast");
    }
    const object = node.object;
    if (isNode(object) && object.type === "Identifier") {
      const root = this.globalName(String(object.value));
      if (root !== undefined) this.sink.add("global-object", root, show(node), "ast");
      if (MODULE_NAMES.has(String(object.value)) && !this.locals.has(String(object.value))) this.sink.add("exec", String(object.value), show(node), "ast");
    }
  }

  private call(node: AstNode): void {
    const callee = node.callee;
    const args = Array.isArray(node.args) ? (node.args as unknown[]) : [];
    let name: string | undefined;
    if (isNode(callee) && callee.type === "Identifier") name = String(callee.value);
    else if (isNode(callee) && callee.type === "MemberExpression") {
      name = callee.computed === true ? fold(callee.property)?.text : isNode(callee.property) ? String(callee.property.value) : undefined;
    }
    if (name === undefined) return;
    if (isNode(callee) && callee.type === "MemberExpression" && FORMAT_METHODS.has(name)) this.formatFields(callee.object, node);
    if (EXEC_NAMES.has(name)) this.sink.add("exec", name, show(node), "ast");
    if (isNode(callee) && callee.type === "Identifier" && DYNAMIC_ATTR_CALLS.has(name) && !this.locals.has(name)) {
      this.sink.add("dynamic-attr", name, show(node), "ast");
      this.namedArgs(args, node);
    }
  }

  private filter(node: AstNode): void {
    const filter = node.filter;
    let name: string | undefined;
    let args: unknown[] = [];
    if (isNode(filter) && filter.type === "Identifier") name = String(filter.value);
    else if (isNode(filter) && filter.type === "CallExpression" && isNode(filter.callee)) {
      name = String(filter.callee.value);
      args = Array.isArray(filter.args) ? (filter.args as unknown[]) : [];
    }
    if (name === "attr") this.sink.add("dynamic-attr", "attr", show(node), "ast");
    // `attr('__class__')`, `map(attribute='__globals__')`, `selectattr('__class__')`.
    this.namedArgs(args, node);
  }

  /** Attribute names passed as arguments (getattr, attr, map(attribute=...)). */
  private namedArgs(args: unknown[], owner: AstNode): void {
    for (const arg of args) {
      const value = isNode(arg) && arg.type === "KeywordArgumentExpression" ? arg.value : arg;
      const f = fold(value);
      if (f === undefined) continue;
      const dunder = DUNDER_INSIDE.exec(f.text);
      if (dunder) this.sink.add("dunder", dunder[0], show(owner), "ast");
      if (f.built && isDangerousName(f.text)) this.sink.add("built-name", f.text, show(value), "ast");
    }
  }

  /** `"{0.__class__}".format(x)`: the format string walks attributes of the arguments. */
  private formatFields(receiver: unknown, owner: AstNode): void {
    const f = fold(receiver);
    if (f === undefined) return;
    for (const field of attributeFields(f.text)) {
      this.sink.add("format-field", field, show(owner), "ast");
      const dunder = DUNDER_INSIDE.exec(field);
      if (dunder) this.sink.add("dunder", dunder[0], show(owner), "ast");
    }
  }

  /** A dangerous name assembled from constants (`'__cla' ~ 'ss__'`, `'%c%c' % (95, 95)`). */
  private built(node: AstNode): void {
    const f = fold(node);
    if (f?.built && isDangerousName(f.text)) this.sink.add("built-name", f.text, show(node), "ast");
  }

  private assignment(node: AstNode): void {
    const target = node.assignee;
    if (!isNode(target) || target.type !== "Identifier") return;
    const name = String(target.value);
    const value = node.value;
    const aliased = isNode(value) && value.type === "Identifier" ? this.globalName(String(value.value)) : undefined;
    if (aliased !== undefined) this.aliases.set(name, aliased);
    else {
      this.aliases.delete(name);
      this.locals.add(name);
    }
  }

  private declare(node: unknown): void {
    if (!isNode(node)) return;
    if (node.type === "Identifier") this.locals.add(String(node.value));
    else if (node.type === "TupleLiteral" && Array.isArray(node.value)) for (const item of node.value) this.declare(item);
  }

  /** The Jinja/Flask global an identifier stands for, unless the template shadowed it. */
  private globalName(identifier: string): string | undefined {
    const alias = this.aliases.get(identifier);
    if (alias !== undefined) return alias;
    return GLOBAL_OBJECTS.has(identifier) && !this.locals.has(identifier) ? identifier : undefined;
  }
}

/** Child nodes in source order: fields holding nodes, arrays of nodes and ObjectLiteral maps. */
function childrenOf(node: AstNode): unknown[] {
  const out: unknown[] = [];
  for (const [field, value] of Object.entries(node)) {
    if (field === "operator" || field === "type") continue;
    if (isNode(value)) out.push(value);
    else if (Array.isArray(value)) out.push(...value);
    else if (value instanceof Map) for (const [k, v] of value) out.push(k, v);
  }
  return out;
}
