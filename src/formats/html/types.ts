/** What in an HTML document can run script, or reach the Jupyter kernel. */
export type HtmlSignalKind =
  /** `<script>` with inline code. */
  | "script"
  /** `<script src>`. */
  | "script-src"
  /** An `on*` event handler attribute. */
  | "event-handler"
  /** A `javascript:` / `vbscript:` URL in a navigable or loadable attribute, or a meta refresh to one. */
  | "javascript-url"
  /** `<iframe srcdoc>`: a whole document inside an attribute (its own signals are listed too). */
  | "iframe-srcdoc"
  /** `<object>` / `<embed>`, or a frame loading a `data:` document. */
  | "embedded-content"
  /** A notebook output of type application/javascript: rendered by running it. */
  | "javascript-output";

export interface HtmlSignal {
  kind: HtmlSignalKind;
  tag: string;
  attribute?: string;
  /** Byte offset in the scanned file, when the HTML is the file itself. */
  offset?: number;
  /** Where the HTML came from: "cell 3, output 1 (text/html)", "iframe srcdoc", ... */
  where?: string;
  /** Short, whitespace-collapsed excerpt of the code or URL. */
  excerpt: string;
  /** A call that reaches the Jupyter kernel (runs code in the user's Python), when found. */
  kernelCall?: string;
}

export interface HtmlScan {
  signals: HtmlSignal[];
  /** Signals beyond HTML_MAX_SIGNALS, counted only. */
  signalsDropped: number;
  /** Elements seen. */
  elements: number;
  /**
   * Scripts longer than HTML_MAX_SCRIPT_CHARS (searched up to it) and srcdoc documents nested past
   * HTML_MAX_SRCDOC_DEPTH (not parsed). Handlers turn a non-zero count into a limit defect: what
   * was not searched may hold a kernel call.
   */
  scriptsTruncated?: number;
  srcdocSkipped?: number;
}

/** Document of the `html` format. */
export interface HtmlDocument {
  html: HtmlScan;
  /** Bytes parsed (a file larger than HTML_MAX_BYTES is parsed up to it). */
  bytes: number;
}
