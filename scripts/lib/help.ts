import { displayLine } from "../../constructs/shared/validation/display";

/**
 * `--help` for the npm run commands: usage, what the command does, its options, examples and exit
 * statuses, printed to stdout with exit status 0.
 */
export interface CommandHelp {
  /** `npm run doctor -- <env> [options]` */
  readonly usage: string;
  /** One or two sentences. */
  readonly summary: string;
  /** [option, what it does] */
  readonly options: readonly (readonly [string, string])[];
  /** Command lines, each optionally followed by `  # comment`. */
  readonly examples: readonly string[];
  /** What each exit status means. */
  readonly exit: readonly (readonly [number, string])[];
}

export const HELP_OPTION: readonly [string, string] = ["-h, --help", "print this help and exit"];

/** The usage line that follows a command-line error. */
export const shortUsage = (help: CommandHelp) => `usage: ${help.usage} (--help: more)`;

/** An argument the command does not take, escaped (it may hold anything), and the usage line. */
export const unknownArgument = (help: CommandHelp, arg: string) =>
  `unknown argument ${displayLine(arg, 100)}\n${shortUsage(help)}`;

export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join("\n");
}

export function renderHelp(help: CommandHelp): string {
  return [
    `usage: ${help.usage}`,
    "",
    help.summary,
    "",
    "options:",
    table([...help.options, HELP_OPTION]),
    "",
    "examples:",
    ...help.examples.map((example) => `  ${example}`),
    "",
    "exit status:",
    table(help.exit.map(([code, meaning]) => [String(code), meaning])),
    "",
  ].join("\n");
}
