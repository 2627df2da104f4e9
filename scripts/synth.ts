/**
 * `npm run synth [-- --verbose]`: synthesizes every stack into `cdktf.out/stacks/<stack>/` (what
 * `cdktf synth` does, see scripts/lib/synth.ts) and prints the synth-time findings of each stack.
 * Quiet by default: warnings (one line for a finding that several stacks share) and a summary;
 * `--verbose` (or PLATFORM_VERBOSE=1) adds the notes, such as suppressed findings and their
 * reasons, the app command and the time taken.
 */
import * as path from "path";
import { displayLine } from "../constructs/shared/validation/display";
import { isOffline } from "../stacks/offline";
import { annotationLine, readManifest, type Annotation } from "./plan/manifest";
import { type CommandHelp, renderHelp, unknownArgument, wantsHelp } from "./lib/help";
import { synthesize } from "./lib/synth";

const HELP: CommandHelp = {
  usage: "npm run synth [-- --verbose]",
  summary:
    "Synthesizes every stack of the environments in stacks/environments/ into " +
    "<outdir>/stacks/<stack>/, as `cdktf synth` does, and prints the warnings found. An invalid " +
    "environment file or construct option stops it, and the output folder then holds no stack.",
  options: [
    [
      "--verbose",
      "also print the notes (such as suppressed findings), the app command and the time (also PLATFORM_VERBOSE=1)",
    ],
  ],
  examples: [
    "npm run synth",
    "npm run synth -- --verbose",
    "PLATFORM_OFFLINE=1 npm run synth        # no AWS account: what the offline plan synthesizes",
    "CDKTF_OUTDIR=/tmp/out npm run synth     # another output folder (default cdktf.out/)",
  ],
  exit: [
    [0, "synthesized (warnings do not fail it)"],
    [1, "an input is invalid (the app printed what to change), or an unknown argument"],
  ],
};
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Annotations with one level and message, as one line naming every construct that has it. */
function grouped(annotations: readonly Annotation[]): Annotation[] {
  const groups = new Map<string, Annotation[]>();
  for (const annotation of annotations) {
    const key = `${annotation.level}\n${annotation.message}`;
    groups.set(key, [...(groups.get(key) ?? []), annotation]);
  }
  return [...groups.values()].map((group) => ({
    ...group[0],
    constructPath: group.map((a) => a.constructPath).join(", "),
  }));
}

try {
  const args = process.argv.slice(2);
  if (wantsHelp(args)) {
    process.stdout.write(renderHelp(HELP));
    process.exit(0);
  }
  const unknown = args.filter((arg) => arg !== "--verbose");
  if (unknown.length > 0) throw new Error(unknownArgument(HELP, unknown[0]));
  const verbose = args.includes("--verbose") || !!process.env.PLATFORM_VERBOSE;
  const outdir = path.resolve(process.env.CDKTF_OUTDIR || "cdktf.out");
  synthesize({ cwd: process.cwd(), outdir, offline: isOffline(), log, quiet: !verbose });
  const stacks = readManifest(outdir);
  const annotations = grouped(stacks.flatMap((s) => s.annotations));
  const notes = annotations.filter((a) => a.level === "@cdktf/info");
  for (const annotation of verbose ? annotations : annotations.filter((a) => !notes.includes(a))) {
    log(displayLine(annotationLine(annotation), 4000));
  }
  const hidden =
    verbose || notes.length === 0 ? "" : `; ${notes.length} notes (--verbose shows them)`;
  log(`synth: ${stacks.length} stacks in ${path.relative(process.cwd(), outdir)}/stacks${hidden}`);
} catch (error) {
  // The app has printed its own errors; this only says which step stopped.
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
