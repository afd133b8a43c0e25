import { Lexer, Parser } from "yaml";

/**
 * Collections open at once, as the `yaml` package's own CST parser counts them (its stack: the
 * document, each block or flow collection, each pending key), above which the composer is not
 * run (CWE-674, CWE-407). The composer's cost climbs steeply with nesting: 400 levels of `[{`
 * (a 533-byte MLmodel) took 42 s, and compact block nesting (`- ? - ? …`) exhausts memory and
 * aborts the process. Real configs stay below 30; at 64 the worst shapes parse in well under a second.
 */
export const MAX_YAML_NESTING = 64;

/**
 * Measures nesting with the library's lexer and CST parser, which are linear and iterative, and
 * stops as soon as the limit is passed. Returns a refusal message, or undefined when the text
 * may be composed. Counting the library's own tokens (not brackets in the text) means quotes,
 * comments and plain scalars cannot hide nesting from the check.
 *
 * @example
 * yamlNestingRefusal("a: " + "[{".repeat(100)); // "YAML nests deeper than 64 collections (MAX_YAML_NESTING)"
 */
export function yamlNestingRefusal(text: string): string | undefined {
  const parser = new Parser();
  for (const lexeme of new Lexer().lex(text)) {
    for (const _token of parser.next(lexeme)) {
      // Completed top-level tokens are not needed; only the depth of the stack is.
    }
    if (parser.stack.length > MAX_YAML_NESTING) {
      return `YAML nests deeper than ${MAX_YAML_NESTING} collections (MAX_YAML_NESTING)`;
    }
  }
  return undefined;
}
