"use strict";
// Preloaded (NODE_OPTIONS=--require) into every Node process of a measured command: on exit each
// appends its peak resident memory to $BENCH_PEAK_RSS_FILE, so the benchmark can measure an app
// command exactly as cdktf.json states it, launchers (npx, tsx's CLI) included.
const fs = require("fs");

process.on("exit", () => {
  const line = JSON.stringify({
    pid: process.pid,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  });
  fs.appendFileSync(process.env.BENCH_PEAK_RSS_FILE, `${line}\n`);
});
