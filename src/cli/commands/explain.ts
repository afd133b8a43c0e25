import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import type { Rule } from "../../rules/types.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { closest } from "../suggest.js";
import type { CommandContext } from "./context.js";

/**
 * docs/rules/ at the package root: three levels up from this file both in src/cli/commands/ (tests)
 * and in dist/cli/commands/ (installed), and the package ships docs/.
 */
const RULE_DOCS = new URL("../../../docs/rules/", import.meta.url);

export function addExplainCommand(program: Command, ctx: CommandContext): void {
  program
    .command("explain")
    .description("print a rule's documentation: what it catches, why it matters, how to fix")
    .argument("<rule>", "rule id (PKL001) or slug (pickle-dangerous-global)")
    .action(async (query: string) => {
      const { RULES } = await import("../../rules/index.js");
      ctx.io.stdout.write(await explain(findRule(query, RULES)));
      ctx.setExitCode(EXIT.ok);
    });
}

function findRule(query: string, RULES: readonly Rule[]): Rule {
  const wanted = query.toLowerCase();
  const rule = RULES.find((r) => r.meta.id.toLowerCase() === wanted || r.meta.slug === wanted);
  if (rule) return rule;
  const suggestions = closest(query, RULES.map((r) => r.meta.id));
  const hint = suggestions.length > 0 ? `did you mean ${suggestions.join(", ")}?` : `run "modelvet rules" to list them`;
  throw new UsageError(`unknown rule ${JSON.stringify(query)}; ${hint}`);
}

async function explain(rule: Rule): Promise<string> {
  try {
    return await readFile(new URL(`${rule.meta.id}.md`, RULE_DOCS), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    // A rule without its page is a packaging bug (tools/check-repo.mjs), but the metadata still helps.
    const { id, title, description } = rule.meta;
    return `# ${id}: ${title}\n\n${description}\n\n(No documentation page was found for ${id}.)\n`;
  }
}
