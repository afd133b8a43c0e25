import type { PickleDocument } from "../../formats/pickle/types.js";
import { defineRule } from "../types.js";
import { PICKLE_FORMATS } from "./shared.js";

/** Elements a container may reach through shared references before it looks like a bomb. */
const MIN_VIRTUAL = 1_000_000;
/** Virtual elements per opcode: real data needs about one op per element; bombs need far fewer. */
const MAX_AMPLIFICATION = 50;
/** DUPs that make up most of a stream: pickle writers emit DUP rarely, if ever. */
const MAX_DUPS = 100;

export const pkl009 = defineRule<PickleDocument>({
  meta: {
    id: "PKL009",
    slug: "pickle-expansion-bomb",
    formats: PICKLE_FORMATS,
    title: "Pickle expands through memo or DUP references (billion laughs)",
    description: "Containers reference other containers through the memo or DUP so that a few bytes describe millions of elements; loading or walking the result exhausts memory or CPU.",
    defaultSeverity: "high",
    confidence: "high",
    cwe: [776, 400],
    references: ["https://github.com/trailofbits/fickling/commit/e5e34bb"],
  },
  check(doc, { report }) {
    const { maxVirtualElements, ops, memoGets, memoPuts, dups } = doc.stats;
    const limitHit = doc.defects.some((d) => d.limit === "maxVirtualElements");
    const expands = limitHit || (maxVirtualElements >= MIN_VIRTUAL && maxVirtualElements >= ops * MAX_AMPLIFICATION);
    const dupHeavy = dups > MAX_DUPS && dups * 2 > ops;
    if (!expands && !dupHeavy) return;
    report({
      message: expands
        ? `Pickle describes ${maxVirtualElements} nested elements with ${ops} opcodes (memo/DUP expansion)`
        : `Pickle is mostly DUP opcodes (${dups} of ${ops}), a shape used to multiply references`,
      evidence: `memo puts ${memoPuts}, memo gets ${memoGets}, DUPs ${dups}`,
    });
  },
});
