import { defect, type Defect } from "../../core/defect.js";
import type { ByteWindow } from "../compress/byte-window.js";
import { u32 } from "./bytes.js";
import { readLocalHeader, stepLocal, type LocalStep } from "./local-headers.js";
import { SIG_LOCAL } from "./records.js";

/** Bytes searched for a first local header when neither offset 0 nor a central directory gives one. */
const FIRST_HEADER_SEARCH_BYTES = 64 * 1024;

async function firstLocalSignature(w: ByteWindow): Promise<number | undefined> {
  const b = await w.read(0, Math.min(w.size, FIRST_HEADER_SEARCH_BYTES));
  if (!b) return undefined;
  for (let i = 0; i + 4 <= b.length; i++) if (b[i] === 0x50 && u32(b, i) === SIG_LOCAL) return i;
  return undefined;
}

/** Every local header found by walking from the first one and from each central entry's header. */
export interface LocalView {
  /** Local steps by header offset. */
  steps: Map<number, LocalStep>;
  /** Where a streaming reader starts: 0, or the first local header when data is prepended. */
  streamStart: number | undefined;
  /** Header offsets a streaming reader reaches from `streamStart`. */
  streamReachable: Set<number>;
  defects: Defect[];
}

export interface LocalViewOptions {
  /** Local headers read at most (the shared member limit, CWE-770). */
  maxEntries: number;
  isLate(): boolean;
}

/**
 * Walks local headers sequentially (APPNOTE 4.3.6 layout), first the chain a streaming reader
 * follows, then from every header the central directory names, so entries missing from the
 * central directory are still seen. `centralSizes` maps header offsets to the central compressed
 * size, used where a local header defers its size to a data descriptor.
 */
export async function walkLocalView(w: ByteWindow, centralSizes: Map<number, number>, opts: LocalViewOptions): Promise<LocalView> {
  const view: LocalView = { steps: new Map(), streamStart: undefined, streamReachable: new Set(), defects: [] };
  const starts = [...centralSizes.keys()].sort((a, b) => a - b);
  const head = await w.read(0, 4);
  view.streamStart = head && u32(head, 0) === SIG_LOCAL ? 0 : (starts[0] ?? (await firstLocalSignature(w)));
  let stopped = false;
  const follow = async (from: number, streaming: boolean): Promise<void> => {
    for (let pos = from; !stopped && !view.steps.has(pos); ) {
      if (opts.isLate()) {
        view.defects.push(defect("timeout", `Timed out walking zip local headers at offset ${pos}`, { offset: pos }));
        stopped = true;
        return;
      }
      const header = await readLocalHeader(w, pos);
      if (!header) return;
      // Counted only when there is a header: an archive of exactly the limit is not past it.
      if (view.steps.size >= opts.maxEntries) {
        view.defects.push(defect("limit-exceeded", `More than ${opts.maxEntries} zip local headers; the rest were not read`, { offset: pos, limit: "maxMembers" }));
        stopped = true;
        return;
      }
      const step = await stepLocal(w, header, { centralSize: centralSizes.get(pos) });
      view.steps.set(pos, step);
      if (streaming) view.streamReachable.add(pos);
      pos = step.next;
    }
  };
  if (view.streamStart !== undefined) await follow(view.streamStart, true);
  for (const s of starts) await follow(s, false);
  return view;
}
