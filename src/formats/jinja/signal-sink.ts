import type { SignalKind, TemplateSignal } from "./types.js";

/** Signals kept per template: one per kind and name is enough evidence (CWE-770). */
export const MAX_TEMPLATE_SIGNALS = 64;

/** Collects signals, one per kind and name, with the byte offset of the first mention. */
export class SignalSink {
  private readonly byKey = new Map<string, TemplateSignal>();
  private readonly encoder = new TextEncoder();

  constructor(private readonly text: string) {}

  add(kind: SignalKind, name: string, evidence: string, via: TemplateSignal["via"], charIndex?: number): void {
    const key = `${kind}\u0000${name}`;
    if (this.byKey.has(key) || this.byKey.size >= MAX_TEMPLATE_SIGNALS) return;
    const index = charIndex ?? this.text.indexOf(name);
    const signal: TemplateSignal = { kind, name, evidence, via };
    if (index >= 0) signal.offset = this.encoder.encode(this.text.slice(0, index)).length;
    this.byKey.set(key, signal);
  }

  has(kind: SignalKind, name: string): boolean {
    return this.byKey.has(`${kind}\u0000${name}`);
  }

  signals(): TemplateSignal[] {
    return [...this.byKey.values()];
  }
}
