/** Text styles for the terminal renderer; identity functions when colour is off. */
export interface Styles {
  red(text: string): string;
  yellow(text: string): string;
  magenta(text: string): string;
  green(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const plain = (text: string): string => text;
const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

const COLOR: Styles = {
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  magenta: sgr(35, 39),
  green: sgr(32, 39),
  bold: sgr(1, 22),
  dim: sgr(2, 22),
};
const PLAIN: Styles = { red: plain, yellow: plain, magenta: plain, green: plain, bold: plain, dim: plain };

/**
 * @example
 * styles(true).red("UNSAFE"); // "\u001b[31mUNSAFE\u001b[39m"
 * styles(false).red("UNSAFE"); // "UNSAFE"
 */
export function styles(color: boolean): Styles {
  return color ? COLOR : PLAIN;
}
