/**
 * `npm run synth`: synthesizes every stack into `cdktf.out/stacks/<stack>/` (what `cdktf synth`
 * does, see scripts/lib/synth.ts) and prints the synth-time findings of each stack.
 */
import * as path from "path";
import { isOffline } from "../stacks/offline";
import { annotationLine, readManifest } from "./plan/manifest";
import { synthesize } from "./lib/synth";

const log = (line: string) => process.stderr.write(`${line}\n`);

try {
  const outdir = path.resolve(process.env.CDKTF_OUTDIR || "cdktf.out");
  synthesize({ cwd: process.cwd(), outdir, offline: isOffline(), log });
  const stacks = readManifest(outdir);
  for (const annotation of stacks.flatMap((s) => s.annotations)) log(annotationLine(annotation));
  log(`synth: ${stacks.length} stacks in ${path.relative(process.cwd(), outdir)}/stacks`);
} catch (error) {
  // The app has printed its own errors; this only says which step stopped.
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
