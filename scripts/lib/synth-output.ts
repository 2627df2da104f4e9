/**
 * Writing synth output all at once or not at all. cdktf writes each stack into the output folder
 * as it goes, so a synth that fails halfway leaves some new stacks beside the previous run's, and
 * two synths into one folder mix their stacks (or, under the cdktf CLI, fail with ENOTEMPTY while
 * one removes folders the other writes into). Here the app synthesizes into a staging folder
 * inside the output folder; only when every stack succeeded is it moved into place, by renames,
 * under a lock, so `manifest.json` always describes the `stacks/` folder beside it. A failed synth
 * leaves nothing: the previous run's stacks are removed too, so no later step plans them as if
 * they were this run's.
 */
import { App } from "cdktf";
import * as fs from "fs";
import * as path from "path";
import { displayName } from "../../constructs/shared/validation/display";

const MANIFEST = "manifest.json";
const STACKS = "stacks";
const LOCK = ".synth.lock";
const STAGING_PREFIX = ".synth-";

/** What Terraform keeps in a stack's folder between runs (not synth output): kept across synths. */
const TERRAFORM_WORKING_FILES = [".terraform", ".terraform.lock.hcl"];

/** How long to wait for another synth's renames (they take milliseconds). */
const LOCK_WAIT_MS = 30_000;

/**
 * Builds an app with `build` and synthesizes it into `outdir` atomically. Throws what building or
 * synthesizing threw (after removing the previous output), or an error listing the stacks'
 * error annotations when cdktf was told to continue past them (the cdktf CLI does).
 */
export function synthesizeAtomically(outdir: string, build: (app: App) => void): void {
  const target = path.resolve(outdir);
  const existed = fs.existsSync(target);
  fs.mkdirSync(target, { recursive: true });
  removeAbandonedStaging(target);
  const staging = fs.mkdtempSync(path.join(target, `${STAGING_PREFIX}${process.pid}-`));
  try {
    const app = new App({ outdir: staging });
    build(app);
    app.synth();
    const errors = errorAnnotations(staging);
    if (errors.length > 0) {
      throw new Error(`synth found errors, so nothing was written:\n${errors.join("\n")}`);
    }
    withLock(target, () => publish(target, staging));
  } catch (error) {
    withLock(target, () => {
      for (const entry of [MANIFEST, STACKS]) {
        fs.rmSync(path.join(target, entry), { recursive: true, force: true });
      }
    });
    throw error;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    if (!existed) removeIfEmpty(target);
  }
}

/** Moves the staged stacks and manifest into `target`, keeping Terraform's working files. */
function publish(target: string, staging: string): void {
  const current = path.join(target, STACKS);
  const previous = path.join(staging, "previous");
  if (fs.existsSync(current)) fs.renameSync(current, previous);
  const staged = path.join(staging, STACKS);
  fs.mkdirSync(staged, { recursive: true });
  if (fs.existsSync(previous)) {
    for (const stack of fs.readdirSync(previous)) {
      const next = path.join(staged, stack);
      if (fs.existsSync(next)) {
        for (const name of TERRAFORM_WORKING_FILES) {
          const kept = path.join(previous, stack, name);
          if (fs.existsSync(kept)) fs.renameSync(kept, path.join(next, name));
        }
      } else if (underCdktfCli()) {
        // The CLI removes the stack folders the new manifest no longer lists once the app exits,
        // and fails when one is already gone.
        fs.renameSync(path.join(previous, stack), next);
      }
    }
  }
  fs.renameSync(staged, current);
  fs.renameSync(path.join(staging, MANIFEST), path.join(target, MANIFEST));
}

/** The cdktf CLI runs the app with this set: it reports annotations and cleans up after it. */
function underCdktfCli(): boolean {
  return process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
}

function errorAnnotations(staging: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(staging, MANIFEST), "utf8")) as {
    stacks?: Record<
      string,
      { annotations?: { constructPath: string; level: string; message: string }[] }
    >;
  };
  return Object.values(manifest.stacks ?? {}).flatMap((stack) =>
    (stack.annotations ?? [])
      .filter((a) => a.level === "@cdktf/error")
      .map((a) => `[${a.constructPath}] ${a.message}`),
  );
}

/** Runs `action` holding `<target>/.synth.lock`, waiting a bounded time for another holder. */
function withLock(target: string, action: () => void): void {
  const lock = path.join(target, LOCK);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (isAbandoned(lock)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `another synth has held ${displayName(lock)} for ${LOCK_WAIT_MS / 1000} s; ` +
            "if none is running, remove that folder",
        );
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
    action();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** A lock whose holder has exited (or that never got its pid written, long ago). */
function isAbandoned(lock: string): boolean {
  try {
    const pid = Number(fs.readFileSync(path.join(lock, "pid"), "utf8"));
    return Number.isInteger(pid) && pid > 0 && !isRunning(pid);
  } catch {
    try {
      return Date.now() - fs.statSync(lock).mtimeMs > 10_000;
    } catch {
      return true;
    }
  }
}

/** Staging folders of synths that were killed (their pid is in the name). */
function removeAbandonedStaging(target: string): void {
  for (const entry of fs.readdirSync(target)) {
    const pid = new RegExp(`^${STAGING_PREFIX.replace(".", "\\.")}(\\d+)-`).exec(entry)?.[1];
    if (pid !== undefined && !isRunning(Number(pid))) {
      fs.rmSync(path.join(target, entry), { recursive: true, force: true });
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // Not empty (another synth's output, or files of the user's): leave it.
  }
}
