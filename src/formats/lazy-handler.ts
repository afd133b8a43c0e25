import type { FormatHandler, FormatSniffer } from "../core/handler.js";

/**
 * A handler whose sniff is loaded now and whose analysis is loaded on first use: a one-file scan
 * (a pre-commit hook, a CI step per file) loads the parser of the formats it meets, not all forty.
 * The loaded handler must be the one the sniffer belongs to (same id, same sniff function).
 *
 * @example
 * const handler = lazyHandler(pickleSniffer, async () => (await import("./pickle/handler.js")).pickleHandler);
 */
export function lazyHandler(sniffer: FormatSniffer, load: () => Promise<FormatHandler>): FormatHandler {
  let loaded: Promise<FormatHandler> | undefined;
  const handler: FormatHandler = {
    id: sniffer.id,
    priority: sniffer.priority,
    sniff: sniffer.sniff,
    async analyze(source, ctx) {
      loaded ??= load().then((full) => {
        // A registry slip would scan bytes with another format's parser: a bug, never silent.
        if (full.id !== sniffer.id) throw new Error(`Handler registry: "${sniffer.id}" loaded "${full.id}"`);
        return full;
      });
      return (await loaded).analyze(source, ctx);
    },
  };
  if (sniffer.supersedes) handler.supersedes = sniffer.supersedes;
  return handler;
}
