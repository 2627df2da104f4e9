// jest setupFiles: cdktf's Testing helpers make a temporary folder per call and never remove it
// (several hundred a run); theirs go with the suite too (scratch.ts).
import { Testing } from "cdktf";
import { removedAfterSuite, scratchDir } from "./scratch";

const { app, fullSynth } = Testing;
Testing.app = (options = {}) =>
  app.call(Testing, { ...options, outdir: options.outdir ?? scratchDir("cdktf.outdir.") });
Testing.fullSynth = (stack) => removedAfterSuite(fullSynth.call(Testing, stack));
