/**
 * What an SSTI payload needs, each as its own kind so that each is its own rule:
 * - `dunder`: an attribute or key such as `__class__`, `__globals__`, `__subclasses__`;
 * - `global-object`: attributes of `lipsum`, `cycler`, `joiner`, `namespace`, `self`, `config`, `request`;
 * - `exec`: calls or modules that run code or commands (`popen`, `eval`, `os`, `subprocess`, `open`);
 * - `dynamic-attr`: the `attr` filter or `getattr()`, which look attributes up by a computed name;
 * - `built-name`: a dangerous name assembled at render time (`~`, `format`, `join`, `chr`, escapes);
 * - `format-field`: `"{0.attr}".format(x)`, where str.format walks attributes or indexes itself.
 */
export type SignalKind = "dunder" | "global-object" | "exec" | "dynamic-attr" | "built-name" | "format-field";

export interface TemplateSignal {
  kind: SignalKind;
  /** The name concerned (`__globals__`, `lipsum`, `popen`, `attr`). */
  name: string;
  /** A short rendering of the expression or source around it. */
  evidence: string;
  /** `ast` when found in the parsed template, `lexical` when found by the fallback scan. */
  via: "ast" | "lexical";
  /** Byte offset in the template, where known. */
  offset?: number;
}

/** A chat template (GGUF key, `chat_template` field, `.jinja` file), parsed but never rendered. */
export interface TemplateDocument {
  /** Template size in bytes. */
  size: number;
  /** True when `@huggingface/jinja` tokenized and parsed the whole template. */
  parsed: boolean;
  /** Why parsing failed (the lexical scan ran instead). */
  parseError?: string;
  /** True when the template exceeded the size limit and only its start was scanned. */
  truncated: boolean;
  signals: TemplateSignal[];
}
