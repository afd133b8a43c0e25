import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { quote } from "../../signing/errors.js";
import { EXIT, UsageError } from "../exit-codes.js";
import type { CommandContext } from "./context.js";
import { addModelOptions, addSerializationOptions, reportFailure, serializationFrom, type ModelFlags, type SerializationFlags } from "./hash.js";

/** Where `modelvet lock` writes, like `model.sig` for `sign`: in the current folder. */
export const DEFAULT_LOCK_FILE = "modelvet.lock.json";

export function addLockCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command("lock")
    .description("pin a model's digests in a lock file; check it later with: modelvet verify <model> --lock FILE")
    .argument("<model>", "model folder or file")
    .option("-o, --output <file>", "lock file to write", DEFAULT_LOCK_FILE);
  addSerializationOptions(addModelOptions(command)).action(async (model: string, flags: ModelFlags & SerializationFlags & { output: string }) => {
    const { renderLock } = await import("../../signing/lock.js");
    const { rootDigest } = await import("../../signing/statement.js");
    const { sha256 } = await import("../../node/signing/sha256.js");
    const { defaultSignaturePath } = await import("../../node/signing/signature-place.js");
    const { manifestOf } = await import("../../node/signing/verify-model.js");
    try {
      // The model's signature is left out, so that signing after locking does not break the lock.
      const signature = await defaultSignaturePath(model);
      const manifest = await manifestOf(model, serializationFrom(flags), {
        ignorePaths: [...(flags.ignorePaths ?? []), signature],
        ignoreGitPaths: flags.ignoreGitPaths,
        signaturePath: flags.output,
        stage: "hash",
      });
      try {
        await writeFile(flags.output, renderLock(manifest, sha256));
      } catch (error) {
        throw new UsageError(`cannot write ${quote(flags.output)}: ${(error as Error).message}`);
      }
      const files = new Set(manifest.items.map((i) => i.name.replace(/:\d+:\d+$/, ""))).size;
      ctx.io.stdout.write(`Wrote ${flags.output}: ${files} file(s), root sha256 ${rootDigest(manifest.items, sha256)}\n`);
      ctx.setExitCode(EXIT.ok);
    } catch (error) {
      ctx.setExitCode(reportFailure(error, ctx.io));
    }
  });
}
