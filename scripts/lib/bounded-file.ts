/**
 * A file a command line names (a kubeconfig, an earlier result), read the way the environment
 * loader reads environment files: only a regular file, opened without waiting on a FIFO, and never
 * more than `maxBytes` of it, so /dev/zero or a named pipe fails at once instead of filling memory
 * or hanging.
 */
import * as fs from "fs";
import { displayName } from "../../constructs/shared/validation/display";
import { readAtMost } from "../../stacks/environment/folder";

/** `file`'s text; throws a one-line message naming `what` and `file` when it cannot be used. */
export function readBoundedFile(file: string, maxBytes: number, what: string): string {
  const where = `${what} ${displayName(file)}`;
  let fd: number | undefined;
  try {
    try {
      fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(`cannot read ${where}: ${code === "ENOENT" ? "no such file" : code}`);
    }
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new Error(`cannot read ${where}: not a regular file`);
    const tooLarge = () =>
      new Error(`cannot read ${where}: larger than ${maxBytes} bytes, the most it reads`);
    if (stat.size > maxBytes) throw tooLarge();
    const bytes = readAtMost(fd, maxBytes + 1);
    if (bytes.length > maxBytes) throw tooLarge();
    return bytes.toString("utf8");
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
