import { parse, tokenize } from "@huggingface/jinja";
import { scanAst } from "./ast-scan.js";
import { lexicalScan } from "./lexical-scan.js";
import { SignalSink } from "./signal-sink.js";
import type { TemplateSignal } from "./types.js";

/**
 * Bracket or block nesting above which the template is not handed to the parser (CWE-674):
 * `@huggingface/jinja` parses recursively, about fifteen frames per bracket, and a stack
 * overflow must not stand in for a parse error. Real chat templates nest fewer than 10 deep.
 */
export const MAX_TEMPLATE_NESTING = 100;

/**
 * Sum of squared whitespace-run lengths above which the template is not handed to the parser
 * (CWE-1333): `@huggingface/jinja` first applies `/(\s*){%(-?)\s*(?:end)?generation.../` to the
 * whole text, which backtracks over every whitespace run in quadratic time (a 1 MiB run of
 * spaces hangs it for minutes). Real templates cost a few thousand; the limit is ~50 ms of work.
 */
export const MAX_WHITESPACE_COST = 20_000_000;

/**
 * Tokens in one `{{ … }}` or `{% … %}` tag above which the template is not parsed (CWE-674):
 * the parser recurses per unary operator, ternary and call in a chain (`not not not …`,
 * `x()()()…`), which no bracket count sees, and about 3,000 of them overflow the stack. Real
 * chat templates use a few dozen tokens per tag.
 */
export const MAX_TEMPLATE_TAG_TOKENS = 1_000;

type Token = ReturnType<typeof tokenize>[number];

export interface TemplateAnalysis {
  parsed: boolean;
  parseError?: string;
  signals: TemplateSignal[];
}

/**
 * Tokenizes and parses a template with `@huggingface/jinja` (never renders it) and reports SSTI
 * shapes from the AST; where the parser fails, a lexical scan of the code parts stands in.
 *
 * @example
 * analyzeTemplate("{{ lipsum.__globals__['os'].popen('id').read() }}").signals.map((s) => s.kind);
 * // ["global-object", "dunder", "exec", ...]
 */
export function analyzeTemplate(text: string): TemplateAnalysis {
  const sink = new SignalSink(text);
  const depth = nestingDepth(text);
  const whitespace = whitespaceCost(text);
  let program: unknown;
  let parseError: string | undefined;
  if (depth > MAX_TEMPLATE_NESTING) {
    parseError = `nesting depth ${depth} exceeds limit ${MAX_TEMPLATE_NESTING}`;
  } else if (whitespace > MAX_WHITESPACE_COST) {
    parseError = `whitespace runs (cost ${whitespace}) exceed limit ${MAX_WHITESPACE_COST}; the parser backtracks quadratically on them`;
  } else {
    try {
      const tokens = tokenize(text);
      parseError = tokenRefusal(tokens);
      if (parseError === undefined) program = parse(tokens);
    } catch (error) {
      // The parser reports bad templates by throwing; that is its API, not our control flow.
      parseError = error instanceof Error ? error.message : String(error);
    }
  }
  if (parseError === undefined) {
    scanAst(program, sink);
    lexicalScan(text, sink, { full: false });
    return { parsed: true, signals: sink.signals() };
  }
  lexicalScan(text, sink, { full: true });
  return { parsed: false, parseError, signals: sink.signals() };
}

/**
 * Measures the tokens the parser would recurse over: bracket nesting as the tokenizer sees it
 * (brackets inside string literals cannot hide it) and the longest tag. A refusal message, or
 * undefined when the tokens may be parsed.
 */
function tokenRefusal(tokens: readonly Token[]): string | undefined {
  let depth = 0;
  let inTag = 0;
  for (const token of tokens) {
    switch (token.type) {
      case "OpenParen":
      case "OpenSquareBracket":
      case "OpenCurlyBracket":
        if (++depth > MAX_TEMPLATE_NESTING) return `bracket nesting exceeds limit ${MAX_TEMPLATE_NESTING} (MAX_TEMPLATE_NESTING)`;
        break;
      case "CloseParen":
      case "CloseSquareBracket":
      case "CloseCurlyBracket":
        if (depth > 0) depth--;
        break;
      case "OpenExpression":
      case "OpenStatement":
        inTag = 0;
        break;
      default:
        break;
    }
    if (++inTag > MAX_TEMPLATE_TAG_TOKENS) return `a tag holds more than ${MAX_TEMPLATE_TAG_TOKENS} tokens (MAX_TEMPLATE_TAG_TOKENS)`;
  }
  return undefined;
}

/** Deepest bracket or `{% block %}` nesting, counted over the whole text (cheap and conservative). */
export function nestingDepth(text: string): number {
  let brackets = 0;
  let maxBrackets = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x28 || c === 0x5b || c === 0x7b) maxBrackets = Math.max(maxBrackets, ++brackets);
    else if ((c === 0x29 || c === 0x5d || c === 0x7d) && brackets > 0) brackets--;
  }
  let blocks = 0;
  let maxBlocks = 0;
  for (const m of text.matchAll(/\{%-?\s*(end)?(if|for|macro|call|filter)\b/g)) {
    if (m[1] === undefined) maxBlocks = Math.max(maxBlocks, ++blocks);
    else if (blocks > 0) blocks--;
  }
  return Math.max(maxBrackets, maxBlocks);
}

/** Sum over runs of whitespace of the run length squared (what the parser's preprocess regex pays). */
export function whitespaceCost(text: string): number {
  let cost = 0;
  let run = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && isWhitespace(text.charCodeAt(i))) run++;
    else {
      cost += run * run;
      run = 0;
    }
  }
  return cost;
}

/** JavaScript's `\s`. */
function isWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
