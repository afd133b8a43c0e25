import { Option, type Command } from "commander";
import { SigningError } from "../../signing/errors.js";
import { safeLine } from "../../core/safe-text.js";
import { HASH_TYPES, type HashType } from "../../signing/serialization.js";
import { EXIT, UsageError, type ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import type { CommandContext } from "./context.js";

/** Flags every signing command shares, named as the reference `model_signing` CLI names them. */
export interface ModelFlags {
  ignorePaths: string[];
  /** Undefined unless --ignore-git-paths or --no-ignore-git-paths was given; on by default. */
  ignoreGitPaths?: boolean;
  allowSymlinks?: boolean;
}

export interface SerializationFlags {
  hashType: HashType;
  shardSize?: number;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `--ignore-paths` (repeatable), `--[no-]ignore-git-paths`, `--allow-symlinks`. */
export function addModelOptions(command: Command): Command {
  return command
    .option("--ignore-paths <path>", "leave this file or folder out (absolute, or relative to the current folder); repeatable", collect, [])
    .option("--ignore-git-paths", "leave out .git, .gitattributes, .github and .gitignore (the default)")
    .option("--no-ignore-git-paths", "include git files in the manifest")
    .option("--allow-symlinks", "follow symlinks inside the model instead of refusing them");
}

/** `--hash-type` and `--shard-size`: how a manifest is built when modelvet builds it. */
export function addSerializationOptions(command: Command): Command {
  return command
    .addOption(new Option("--hash-type <algorithm>", "digest algorithm").choices(HASH_TYPES).default("sha256"))
    .option("--shard-size <bytes>", "hash fixed-size shards of each file instead of whole files (reference default 1000000000)", parseShardSize);
}

function parseShardSize(value: string): number {
  const size = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(size) || size < 1) throw new UsageError(`--shard-size must be a positive whole number of bytes, got ${JSON.stringify(value)}`);
  return size;
}

/** Usage-type signing errors (bad flags, unreadable keys) exit 2 like every other usage error. */
export function asUsageError(error: unknown): never {
  if (error instanceof SigningError && (error.code === "usage" || error.code === "key-material")) throw new UsageError(error.message);
  throw error;
}

/** A failed check: the message on stderr in modelvet's voice, exit 1. */
export function reportFailure(error: unknown, io: CliIo): ExitCode {
  if (!(error instanceof SigningError)) throw error;
  if (error.code === "usage" || error.code === "key-material") asUsageError(error);
  // Signature files and model folders are attacker-chosen; what they put in a message is escaped.
  io.stderr.write(`modelvet: ${safeLine(`${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}`)}\n`);
  return EXIT.fail;
}

export function addHashCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command("hash")
    .description("print the manifest of a model (per-file sha256 digests) as JSON, without signing it")
    .argument("<model>", "model folder or file");
  addSerializationOptions(addModelOptions(command)).action(async (model: string, flags: ModelFlags & SerializationFlags) => {
    const { renderLock } = await import("../../signing/lock.js");
    const { sha256 } = await import("../../node/signing/sha256.js");
    const { manifestOf } = await import("../../node/signing/verify-model.js");
    try {
      const manifest = await manifestOf(model, serializationFrom(flags), { ignorePaths: flags.ignorePaths, ignoreGitPaths: flags.ignoreGitPaths });
      ctx.io.stdout.write(renderLock(manifest, sha256));
      ctx.setExitCode(EXIT.ok);
    } catch (error) {
      ctx.setExitCode(reportFailure(error, ctx.io));
    }
  });
}

export function serializationFrom(flags: ModelFlags & SerializationFlags) {
  const common = { hashType: flags.hashType, allowSymlinks: flags.allowSymlinks === true };
  return flags.shardSize === undefined ? { method: "files" as const, ...common } : { method: "shards" as const, shardSize: flags.shardSize, ...common };
}
