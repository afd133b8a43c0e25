import { Parser } from "htmlparser2";
import { SCRIPT_SCHEMES, excerpt, findKernelCall, urlScheme } from "./js-signals.js";
import { HTML_MAX_SCRIPT_CHARS, HTML_MAX_SIGNALS, HTML_MAX_SRCDOC_DEPTH } from "./limits.js";
import type { HtmlScan, HtmlSignal } from "./types.js";

/** Attributes whose value is a URL a browser navigates to, loads or submits to. */
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "lowsrc", "dynsrc", "codebase", "cite", "longdesc", "manifest", "ping", "srcset"]);

/** `<script type>` values a browser runs; any other type makes the element a data block (HTML §4.12.1). */
const JS_TYPES = new Set([
  "",
  "module",
  "text/javascript",
  "application/javascript",
  "application/ecmascript",
  "application/x-ecmascript",
  "application/x-javascript",
  "text/ecmascript",
  "text/javascript1.0",
  "text/javascript1.1",
  "text/javascript1.2",
  "text/javascript1.3",
  "text/javascript1.4",
  "text/javascript1.5",
  "text/jscript",
  "text/livescript",
  "text/x-ecmascript",
  "text/x-javascript",
]);

/** Frames: a `data:` URL here is a whole document of the attacker's choosing (object/embed are reported as elements). */
const FRAME_TAGS = new Set(["iframe", "frame"]);

export interface ScanHtmlOptions {
  /** Label for where this HTML came from, copied onto every signal. */
  where?: string;
  /** Maps a character index in `text` to a byte offset in the file; omit when there is no file offset. */
  byteOffset?: (charIndex: number) => number;
  /** srcdoc nesting level (internal). */
  depth?: number;
}

/**
 * Parses HTML (with htmlparser2, as a browser tokenizes it) and lists what can run script:
 * scripts, event handlers, `javascript:` URLs (also entity-encoded or split by whitespace),
 * `<iframe srcdoc>` (parsed too), `<object>`/`<embed>`, meta refreshes, and any call that
 * reaches a Jupyter kernel.
 *
 * @example
 * scanHtml('<img src=x onerror="alert(1)">').signals[0].kind; // "event-handler"
 */
export function scanHtml(text: string, options: ScanHtmlOptions = {}): HtmlScan {
  const scan: HtmlScan = { signals: [], signalsDropped: 0, elements: 0 };
  collect(text, options, scan);
  return scan;
}

function collect(text: string, options: ScanHtmlOptions, scan: HtmlScan): void {
  const depth = options.depth ?? 0;
  const where = options.where;
  let script: { signal: HtmlSignal; code: string; truncated?: boolean } | undefined;

  const add = (signal: HtmlSignal): void => {
    if (where !== undefined && signal.where === undefined) signal.where = where;
    if (scan.signals.length >= HTML_MAX_SIGNALS) scan.signalsDropped++;
    else scan.signals.push(signal);
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        scan.elements++;
        const at = parser.startIndex;
        const offset = options.byteOffset ? options.byteOffset(at) : undefined;
        const base = (kind: HtmlSignal["kind"], attribute: string | undefined, shown: string): HtmlSignal => {
          const signal: HtmlSignal = { kind, tag: name, excerpt: excerpt(shown) };
          if (attribute !== undefined) signal.attribute = attribute;
          if (offset !== undefined) signal.offset = offset;
          return signal;
        };
        for (const [attribute, value] of Object.entries(attribs)) {
          if (attribute.length > 2 && attribute.startsWith("on")) {
            const signal = base("event-handler", attribute, value);
            const call = findKernelCall(value);
            if (call) signal.kernelCall = call;
            add(signal);
          } else if (URL_ATTRIBUTES.has(attribute)) {
            checkUrl(name, attribute, value, base, add);
          }
        }
        if (name === "script") {
          const type = (attribs["type"] ?? "").trim().toLowerCase();
          const language = (attribs["language"] ?? "").trim().toLowerCase();
          const runs = JS_TYPES.has(type.split(";")[0]?.trim() ?? "") && (language === "" || /script/.test(language));
          if (runs && attribs["src"] !== undefined) add(base("script-src", "src", attribs["src"]));
          if (runs) script = { signal: base("script", undefined, ""), code: "" };
        } else if (name === "iframe" && attribs["srcdoc"] !== undefined) {
          const srcdoc = attribs["srcdoc"];
          add(base("iframe-srcdoc", "srcdoc", srcdoc));
          if (depth < HTML_MAX_SRCDOC_DEPTH) {
            const inner = where === undefined ? "iframe srcdoc" : `${where}, iframe srcdoc`;
            collect(srcdoc, { where: inner, depth: depth + 1 }, scan);
          } else {
            scan.srcdocSkipped = (scan.srcdocSkipped ?? 0) + 1;
          }
        } else if (name === "object" || name === "embed") {
          add(base("embedded-content", attribs["data"] !== undefined ? "data" : attribs["src"] !== undefined ? "src" : undefined, `<${name}${attribs["type"] ? ` type=${attribs["type"]}` : ""} ${attribs["data"] ?? attribs["src"] ?? ""}>`));
        } else if (name === "meta" && (attribs["http-equiv"] ?? "").toLowerCase() === "refresh") {
          const target = /url\s*=\s*['"]?([^'"]*)/i.exec(attribs["content"] ?? "")?.[1];
          if (target !== undefined) checkUrl(name, "content", target, base, add);
        }
      },
      ontext(data) {
        if (!script) return;
        if (script.code.length + data.length > HTML_MAX_SCRIPT_CHARS && !script.truncated) {
          script.truncated = true;
          scan.scriptsTruncated = (scan.scriptsTruncated ?? 0) + 1;
        }
        if (script.code.length < HTML_MAX_SCRIPT_CHARS) script.code += data.slice(0, HTML_MAX_SCRIPT_CHARS - script.code.length);
      },
      onclosetag(name) {
        if (name !== "script" || !script) return;
        const { signal, code } = script;
        script = undefined;
        if (code.trim() === "") return;
        signal.excerpt = excerpt(code);
        const call = findKernelCall(code);
        if (call) signal.kernelCall = call;
        add(signal);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(text);
  parser.end();
}

function checkUrl(tag: string, attribute: string, value: string, base: (kind: HtmlSignal["kind"], attribute: string | undefined, shown: string) => HtmlSignal, add: (s: HtmlSignal) => void): void {
  const candidates = attribute === "srcset" ? value.split(",").map((part) => part.trim().split(/\s+/)[0] ?? "") : [value];
  for (const url of candidates) {
    const scheme = urlScheme(url);
    if (scheme !== undefined && SCRIPT_SCHEMES.has(scheme)) {
      const signal = base("javascript-url", attribute, url);
      const call = findKernelCall(url);
      if (call) signal.kernelCall = call;
      add(signal);
    } else if (scheme === "data" && FRAME_TAGS.has(tag) && /^data:\s*(?:text\/html|image\/svg\+xml|application\/xhtml)/i.test(url.replace(/[\t\n\r]/g, "").trim())) {
      add(base("embedded-content", attribute, url));
    }
  }
}
