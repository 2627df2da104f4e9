import { spawnSync } from "child_process";
import * as fs from "fs";
import { reportNotRun } from "../../support/not-run";

/** Debian packages that provide what the namespace lab runs (installed by .ci/run). */
export const LAB_PACKAGES = "iproute2 iperf3 iputils-ping gcc libc6-dev";

const onPath = (command: string) =>
  spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;

/** What the lab needs and this machine lacks, or undefined when it can run. */
export function labMissing(): string | undefined {
  if (process.getuid?.() !== 0) return "root (network namespaces and tunnels need CAP_NET_ADMIN)";
  const commands = ["ip", "tc", "iperf3", "ping", "cc"].filter((c) => !onPath(c));
  if (commands.length > 0) {
    return `the commands ${commands.join(", ")} (apt-get install ${LAB_PACKAGES})`;
  }
  if (!fs.existsSync("/dev/net/tun")) return "/dev/net/tun (the IPIP relay's TUN devices)";
  return undefined;
}

/**
 * Like the Terraform tests: where the lab cannot run, the suite becomes a todo naming what is
 * missing, and in CI (`CI` set; .ci/run sets it) that is a failure instead.
 */
export function describeWithLab(name: string, body: () => void): void {
  const missing = labMissing();
  if (missing) {
    if (process.env.CI) throw new Error(`the namespace lab cannot run in CI: it needs ${missing}`);
    reportNotRun(name, `needs ${missing}`);
    describe(name, () => it.todo(`needs ${missing}`));
  } else {
    describe(name, body);
  }
}
