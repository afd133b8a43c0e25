/**
 * Replacement fields of a Python `str.format` string that walk into an object: `{0.__class__}`,
 * `{m.content.__class__.__init__}`, `{0[secret]}`. Python resolves the dotted/indexed field path
 * with plain `getattr`/`__getitem__` inside `str.format`, outside the template's own attribute
 * lookups; that is how the Jinja sandbox was bypassed (CVE-2016-10745, CVE-2019-10906) and how
 * templates rendered without a sandbox leak attributes.
 */

/** Fields reported per string: the first few are enough evidence (CWE-770). */
const MAX_FIELDS = 8;

/**
 * Field paths with attribute or index access, in order, at most MAX_FIELDS. One linear pass:
 * `{{`/`}}` are literal braces; a field's name ends at `!`, `:` or `}`.
 *
 * @example
 * attributeFields("{0.__class__} and {1} and {{x.y}}"); // ["0.__class__"]
 */
export function attributeFields(format: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < format.length && out.length < MAX_FIELDS) {
    const c = format[i];
    if (c === "{" && format[i + 1] === "{") {
      i += 2;
      continue;
    }
    if (c !== "{") {
      i++;
      continue;
    }
    let j = i + 1;
    let bracket = false;
    while (j < format.length) {
      const d = format[j];
      if (d === "[") bracket = true;
      else if (d === "]") bracket = false;
      else if (!bracket && (d === "}" || d === "!" || d === ":" || d === "{")) break;
      j++;
    }
    const name = format.slice(i + 1, j);
    if (name.includes(".") || name.includes("[")) out.push(name);
    i = j + 1;
  }
  return out;
}

/** `format` and `format_map`: the str methods that resolve replacement fields. */
export const FORMAT_METHODS: ReadonlySet<string> = new Set(["format", "format_map"]);
