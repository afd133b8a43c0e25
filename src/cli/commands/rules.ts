import { Option, type Command } from "commander";
import type { RuleMeta } from "../../rules/types.js";
import { EXIT } from "../exit-codes.js";
import type { CommandContext } from "./context.js";

export function addRulesCommand(program: Command, ctx: CommandContext): void {
  program
    .command("rules")
    .description("list the rules: id, default severity, title")
    .addOption(new Option("-f, --format <format>", "text, or json for the full metadata").choices(["text", "json"]).default("text"))
    .action(async (flags: { format: "text" | "json" }) => {
      // The listing is the one place that loads every rule.
      const { RULES } = await import("../../rules/index.js");
      const metas = RULES.map((rule) => rule.meta);
      ctx.io.stdout.write(flags.format === "json" ? rulesJson(metas) : rulesText(metas));
      ctx.setExitCode(EXIT.ok);
    });
}

function rulesText(metas: readonly RuleMeta[]): string {
  const idWidth = Math.max(0, ...metas.map((m) => m.id.length));
  const severityWidth = Math.max(0, ...metas.map((m) => m.defaultSeverity.length));
  return metas.map((m) => `${m.id.padEnd(idWidth)}  ${m.defaultSeverity.padEnd(severityWidth)}  ${m.title}\n`).join("");
}

/** Metadata in a fixed key order, whatever order each rule file wrote it in. */
function rulesJson(metas: readonly RuleMeta[]): string {
  const canonical = metas.map((m) => ({
    id: m.id,
    slug: m.slug,
    title: m.title,
    description: m.description,
    formats: m.formats,
    defaultSeverity: m.defaultSeverity,
    confidence: m.confidence,
    // As in scan reports (`finding.cwe`): "CWE-502", not 502.
    cwe: m.cwe.map((n) => `CWE-${n}`),
    references: m.references,
  }));
  return `${JSON.stringify(canonical, null, 2)}\n`;
}
