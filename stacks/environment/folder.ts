/**
 * Reading a folder of environment files as untrusted input: a pull request can put anything in
 * it. Only regular files inside the folder are read (a FIFO would block, `/dev/zero` never ends, a
 * link could lead to any file the runner can read), each up to a size no environment needs, as
 * strict UTF-8; every failure is a problem of that file, so the other files are still checked.
 * Entries that look like environment files but are not read (`qa.yml`, `qa.YAML`, `qa.json`,
 * `qa.yaml.bak`) are problems too: a file that is silently skipped looks like an environment that
 * deploys.
 */
import * as fs from "fs";
import * as path from "path";
import { displayName } from "../../constructs/shared/validation/display";

export const ENVIRONMENT_FILE_EXTENSION = ".yaml";

/** Bytes one environment file may have: the shipped ones have about 2 KB. */
export const MAX_FILE_BYTES = 32 * 1024;

/** Bytes all environment files of a folder may have together, so a folder cannot stall synth. */
export const MAX_FOLDER_BYTES = 1024 * 1024;

/** Entries a folder may have. */
export const MAX_ENTRIES = 1000;

/** A file of the folder and what is wrong with it, in a word for the `where` of a problem. */
export interface EntryProblem {
  readonly file: string;
  readonly where: "(file)" | "(file name)";
  readonly message: string;
}

/** The folder's environment files to read, and the entries that are problems in themselves. */
export interface FolderListing {
  readonly files: readonly string[];
  readonly problems: readonly EntryProblem[];
}

/** Names an environment file could be meant by, in another case, extension or as a copy. */
const LOOKS_LIKE_ENVIRONMENT_FILE = /\.(ya?ml|json5?|jsonc)(\W|$)/i;

/**
 * The `<name>.yaml` entries of `dir` (whatever they are: reading decides), and a problem for each
 * entry that looks like an environment file but will not be read. Throws when `dir` cannot be
 * listed, with a message naming it.
 */
export function listEnvironmentFolder(dir: string): FolderListing {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir).sort();
  } catch (error) {
    throw new Error(
      `cannot read the environments folder ${displayName(dir)} (${errorCode(error)}); ` +
        "point PLATFORM_ENVIRONMENTS_DIR at a folder of <name>.yaml files",
    );
  }
  if (entries.length > MAX_ENTRIES) {
    throw new Error(
      `the environments folder ${displayName(dir)} has ${entries.length} entries; ` +
        `it may have at most ${MAX_ENTRIES}: keep only environment files in it`,
    );
  }
  const files: string[] = [];
  const problems: EntryProblem[] = [];
  for (const entry of entries) {
    const file = path.join(dir, entry);
    const stem = path.basename(entry, ENVIRONMENT_FILE_EXTENSION);
    if (entry.endsWith(ENVIRONMENT_FILE_EXTENSION) && stem.length > 0) {
      files.push(file);
    } else if (LOOKS_LIKE_ENVIRONMENT_FILE.test(entry)) {
      problems.push({ file, where: "(file name)", message: notReadMessage(entry) });
    }
  }
  return { files, problems };
}

function notReadMessage(entry: string): string {
  const match = /^([^.]+)\.(ya?ml|json5?|jsonc)$/i.exec(entry);
  const rename = match ? `${match[1]}${ENVIRONMENT_FILE_EXTENSION}` : undefined;
  const reason =
    match && /^json/i.test(match[2])
      ? `environment files are YAML named <name>${ENVIRONMENT_FILE_EXTENSION}: write it as ${displayName(rename ?? "")}`
      : rename
        ? `environment files end in ${ENVIRONMENT_FILE_EXTENSION}: rename it to ${displayName(rename)}`
        : `only <name>${ENVIRONMENT_FILE_EXTENSION} files are read: move it out of the folder, or rename it`;
  return `is not read; ${reason}`;
}

/** A file's text, or why it cannot be read: said as the rest of a sentence starting with it. */
export type FileText = { readonly text: string } | { readonly problem: string };

/**
 * Reads `file`, an entry of `dir`, when it is a regular file inside `dir` (directly or through
 * links that stay inside), of at most `maxBytes`, in UTF-8. Never blocks on a FIFO or device and
 * never reads more than `maxBytes + 1` bytes.
 */
export function readFolderFile(dir: string, file: string, maxBytes = MAX_FILE_BYTES): FileText {
  let target: string;
  try {
    target = fs.realpathSync(file);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" && isLink(file)) {
      return { problem: `is a link to ${displayName(readLink(file))}, which does not exist` };
    }
    return { problem: `cannot be read (${code})` };
  }
  const root = fs.realpathSync(dir);
  if (!target.startsWith(root + path.sep)) {
    return {
      problem: `is a link to ${displayName(target)}, outside the folder; environment files must be in it`,
    };
  }
  let fd: number | undefined;
  try {
    // O_NOFOLLOW: the path was resolved above, and a link swapped in since must not be followed;
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    fd = fs.openSync(
      target,
      fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0),
    );
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { problem: `is ${kindOf(stat)}, not a regular file` };
    if (stat.size > maxBytes) return { problem: tooLarge(stat.size, maxBytes) };
    const bytes = readAtMost(fd, maxBytes + 1);
    if (bytes.length > maxBytes) return { problem: tooLarge(bytes.length, maxBytes) };
    return decodeUtf8(bytes);
  } catch (error) {
    return { problem: `cannot be read (${errorCode(error)})` };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** At most `limit` bytes of the open file `fd`, however long it is. */
export function readAtMost(fd: number, limit: number): Buffer {
  const buffer = Buffer.alloc(limit);
  let length = 0;
  while (length < limit) {
    const read = fs.readSync(fd, buffer, length, limit - length, null);
    if (read === 0) break;
    length += read;
  }
  return buffer.subarray(0, length);
}

/** Strict UTF-8 (a replacement character would end up in tags and names), with the line of the first bad byte. */
function decodeUtf8(bytes: Buffer): FileText {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    // The shortest prefix that fails to decode ends at the first invalid byte.
    let good = 0;
    let bad = bytes.length;
    while (bad - good > 1) {
      const middle = Math.floor((good + bad) / 2);
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, middle), {
          stream: true,
        });
        good = middle;
      } catch {
        bad = middle;
      }
    }
    const line = bytes.subarray(0, bad).filter((byte) => byte === 0x0a).length + 1;
    return {
      problem: `is not valid UTF-8 (byte ${bad}, line ${line}); save it as UTF-8`,
    };
  }
}

function tooLarge(bytes: number, max: number): string {
  return `is ${bytes >= max ? `more than ${max}` : bytes} bytes; an environment file may have at most ${max}`;
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  if (stat.isSocket()) return "a socket";
  return "not a file";
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

function readLink(file: string): string {
  try {
    return fs.readlinkSync(file);
  } catch {
    return "?";
  }
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : "unknown error";
}
