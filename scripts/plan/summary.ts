/**
 * The plan summary: pure functions from per-stack plan results (`terraform show -json` output)
 * to summary.json and summary.md. Destructive changes always come first, with a warning a
 * reviewer cannot miss.
 */

export type StackStatus = "planned" | "failed" | "not-planned";

/** The parts of `terraform show -json <planfile>` the summary reads. */
export interface TerraformPlanJson {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly type: string;
    readonly name: string;
    readonly module_address?: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly replace_paths?: readonly (readonly (string | number)[])[];
    };
  }[];
}

export interface StackPlanInput {
  readonly name: string;
  readonly status: StackStatus;
  /** Why the stack failed or was not planned. */
  readonly reason?: string;
  /** Stacks this one reads outputs from. */
  readonly dependencies: readonly string[];
  /** Present when status is "planned". */
  readonly planJson?: TerraformPlanJson;
  /** Addresses (`aws_kms_key.state`) whose configuration sets `lifecycle.prevent_destroy`. */
  readonly protectedAddresses: readonly string[];
  /**
   * Protected addresses Terraform refused to plan because the plan would destroy them (the plan
   * then fails with "Instance cannot be destroyed").
   */
  readonly refusedProtected?: readonly string[];
}

export type ChangeKind = "create" | "update" | "delete" | "replace";

export interface ChangeEntry {
  readonly address: string;
  readonly kind: ChangeKind;
  readonly protected: boolean;
  /** Attributes forcing a replacement, as dotted paths (`cidr_block`, `ebs_block_device.0.size`). */
  readonly replacePaths?: readonly string[];
  /** Plain-language warning, on delete and replace only. */
  readonly warning?: string;
}

export type ChangeCounts = Record<ChangeKind, number>;

export interface StackSummary {
  readonly name: string;
  readonly status: StackStatus;
  readonly reason?: string;
  readonly dependencies: readonly string[];
  readonly counts: ChangeCounts;
  /** Deletes and replacements, in plan order. */
  readonly destructive: readonly ChangeEntry[];
  /** Creates and updates, in plan order. */
  readonly other: readonly ChangeEntry[];
  /** Protected addresses that would be destroyed or replaced, or that Terraform refused to plan. */
  readonly protectedDestroys: readonly string[];
}

export interface PlanSummary {
  readonly stacks: readonly StackSummary[];
  readonly totals: ChangeCounts;
  readonly failed: readonly string[];
  readonly notPlanned: readonly string[];
  readonly protectedDestroys: readonly { readonly stack: string; readonly address: string }[];
}

const KINDS: readonly ChangeKind[] = ["create", "update", "delete", "replace"];

/** Maps Terraform's action list to a change kind; no-op, read and forget are not changes. */
export function classifyActions(actions: readonly string[]): ChangeKind | undefined {
  const key = actions.join(",");
  switch (key) {
    case "create":
    case "update":
    case "delete":
      return key;
    case "delete,create":
    case "create,delete":
      return "replace";
    default:
      return undefined;
  }
}

const zeroCounts = (): ChangeCounts => ({ create: 0, update: 0, delete: 0, replace: 0 });

/** Resource address without instance keys (`aws_subnet.a[0]` -> `aws_subnet.a`), as configured. */
function configAddress(change: NonNullable<TerraformPlanJson["resource_changes"]>[number]): string {
  const base = `${change.type}.${change.name}`;
  return change.module_address ? `${change.module_address}.${base}` : base;
}

function warningFor(
  kind: ChangeKind,
  isProtected: boolean,
  replacePaths: readonly string[],
): string | undefined {
  const prefix = isProtected ? "🔒 PROTECTED (prevent_destroy) " : "";
  if (kind === "delete") return `${prefix}⚠ will be DESTROYED`;
  if (kind !== "replace") return undefined;
  const forcedBy =
    replacePaths.length > 0 ? `; forced by ${replacePaths.map((p) => `\`${p}\``).join(", ")}` : "";
  return `${prefix}⚠ will be REPLACED (destroyed and re-created)${forcedBy}`;
}

export function summarizeStack(input: StackPlanInput): StackSummary {
  const counts = zeroCounts();
  const destructive: ChangeEntry[] = [];
  const other: ChangeEntry[] = [];
  const protectedSet = new Set(input.protectedAddresses);
  for (const change of input.planJson?.resource_changes ?? []) {
    const kind = classifyActions(change.change.actions);
    if (!kind) continue;
    counts[kind] += 1;
    const isProtected = protectedSet.has(configAddress(change)) || protectedSet.has(change.address);
    const replacePaths = (change.change.replace_paths ?? []).map((p) => p.join("."));
    const entry: ChangeEntry = {
      address: change.address,
      kind,
      protected: isProtected,
      ...(replacePaths.length > 0 ? { replacePaths } : {}),
      ...(kind === "delete" || kind === "replace"
        ? { warning: warningFor(kind, isProtected, replacePaths) }
        : {}),
    };
    (kind === "delete" || kind === "replace" ? destructive : other).push(entry);
  }
  const protectedDestroys = [
    ...destructive.filter((c) => c.protected).map((c) => c.address),
    ...(input.refusedProtected ?? []),
  ];
  return {
    name: input.name,
    status: input.status,
    ...(input.reason ? { reason: input.reason } : {}),
    dependencies: input.dependencies,
    counts,
    destructive,
    other,
    protectedDestroys,
  };
}

export function buildSummary(inputs: readonly StackPlanInput[]): PlanSummary {
  const stacks = inputs.map(summarizeStack);
  const totals = zeroCounts();
  for (const stack of stacks) for (const kind of KINDS) totals[kind] += stack.counts[kind];
  return {
    stacks,
    totals,
    failed: stacks.filter((s) => s.status === "failed").map((s) => s.name),
    notPlanned: stacks.filter((s) => s.status === "not-planned").map((s) => s.name),
    protectedDestroys: stacks.flatMap((s) =>
      s.protectedDestroys.map((address) => ({ stack: s.name, address })),
    ),
  };
}

export interface ExitOptions {
  /** Fail when a protected resource would be destroyed or replaced. */
  readonly failOnProtectedDestroy: boolean;
  /**
   * Offline, a stack whose providers are not installable is expected and does not fail the run;
   * online, every stack must plan.
   */
  readonly offline: boolean;
}

/** 1 when a plan failed (or, online, a stack was not planned) or a protected resource would go. */
export function exitCode(summary: PlanSummary, options: ExitOptions): number {
  if (summary.failed.length > 0) return 1;
  if (!options.offline && summary.notPlanned.length > 0) return 1;
  if (options.failOnProtectedDestroy && summary.protectedDestroys.length > 0) return 1;
  return 0;
}

const STATUS_LABEL: Record<StackStatus, string> = {
  planned: "✅ planned",
  failed: "❌ plan failed",
  "not-planned": "⏭ not planned",
};

const mermaidId = (name: string) => `s_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;

/** Mermaid text escapes: quotes would end the label. */
const mermaidText = (text: string) => text.replace(/"/g, "#quot;");

function countsText(c: ChangeCounts): string {
  return `+${c.create} ~${c.update} -${c.delete} ±${c.replace}`;
}

/** A Mermaid graph of the stacks, each dependency pointing at the stack that reads it. */
export function renderMermaid(summary: PlanSummary): string {
  const lines = ["graph LR"];
  for (const stack of summary.stacks) {
    const detail =
      stack.status === "planned" ? countsText(stack.counts) : STATUS_LABEL[stack.status];
    lines.push(
      `  ${mermaidId(stack.name)}["${mermaidText(`${stack.name}<br/>${detail}`)}"]:::${stack.status.replace("-", "")}`,
    );
  }
  const names = new Set(summary.stacks.map((s) => s.name));
  for (const stack of summary.stacks) {
    for (const dependency of stack.dependencies) {
      // A dependency outside the selection is still drawn, so the reader sees what the stack reads.
      if (!names.has(dependency))
        lines.push(`  ${mermaidId(dependency)}["${mermaidText(dependency)}"]`);
      lines.push(`  ${mermaidId(dependency)} --> ${mermaidId(stack.name)}`);
    }
  }
  lines.push(
    "  classDef planned fill:#dff5e1,stroke:#2e7d32",
    "  classDef failed fill:#fde0e0,stroke:#c62828",
    "  classDef notplanned fill:#eeeeee,stroke:#757575,stroke-dasharray:4",
  );
  return lines.join("\n");
}

function changeLine(entry: ChangeEntry): string {
  const verb: Record<ChangeKind, string> = {
    create: "will be created",
    update: "will be updated in place",
    delete: "",
    replace: "",
  };
  return `- \`${entry.address}\` ${entry.warning ?? verb[entry.kind]}`;
}

/** Markdown for a pull-request comment: diagram, counts, then per stack destructive changes first. */
export function renderMarkdown(summary: PlanSummary): string {
  const out: string[] = ["## Terraform plan", "", "```mermaid", renderMermaid(summary), "```", ""];

  if (summary.protectedDestroys.length > 0) {
    out.push(
      `> [!CAUTION]`,
      `> ${summary.protectedDestroys.length} protected resource(s) (prevent_destroy) would be destroyed or replaced: ` +
        summary.protectedDestroys.map((p) => `\`${p.stack}: ${p.address}\``).join(", "),
      "",
    );
  }

  out.push(
    "| Stack | Status | Create | Update | Delete | Replace |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
  );
  for (const s of summary.stacks) {
    const cells =
      s.status === "planned" ? KINDS.map((k) => String(s.counts[k])) : KINDS.map(() => "–");
    out.push(`| ${s.name} | ${STATUS_LABEL[s.status]} | ${cells.join(" | ")} |`);
  }
  out.push("");

  for (const s of summary.stacks) {
    out.push(`### ${s.name}: ${STATUS_LABEL[s.status]}`, "");
    if (s.reason) out.push(`Reason: ${s.reason.replace(/\s+/g, " ")}`, "");
    for (const address of s.protectedDestroys.filter(
      (a) => !s.destructive.some((d) => d.address === a),
    )) {
      out.push(
        `- \`${address}\` 🔒 PROTECTED (prevent_destroy) ⚠ Terraform refused to plan: the change would DESTROY it`,
      );
    }
    for (const entry of s.destructive) out.push(changeLine(entry));
    if (s.destructive.length > 0 || s.protectedDestroys.length > 0) out.push("");
    if (s.other.length > 0) {
      out.push(`<details><summary>${s.other.length} create/update change(s)</summary>`, "");
      for (const entry of s.other) out.push(changeLine(entry));
      out.push("", "</details>", "");
    } else if (s.status === "planned" && s.destructive.length === 0) {
      out.push("No changes.", "");
    }
  }
  return out.join("\n");
}
