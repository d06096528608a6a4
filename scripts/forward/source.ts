/** Where the forwards list comes from: the stack output (default), a file, or inline JSON. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { ForwardSpec } from "../../components/topology/forwards";
import { parseForwards } from "./plan";
import { UsageError } from "../usage-error";

export type ForwardSource = { kind: "stack"; stack: string; pulumi?: string } | { kind: "file"; path: string } | { kind: "inline"; json: string };

/** `fileFlag`: the flag that names a forwards file in this command (for the messages). */
export function loadForwards(source: ForwardSource, fileFlag = "--file"): ForwardSpec[] {
  if (source.kind === "inline") return parseForwards(source.json, "--forwards");
  if (source.kind === "file") {
    let text: string;
    try {
      text = readFileSync(source.path, "utf8");
    } catch (e) {
      throw new UsageError(`${fileFlag} ${JSON.stringify(source.path)}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    return parseForwards(text, `${fileFlag} ${source.path}`);
  }
  const pulumi = source.pulumi ?? "pulumi";
  const r = spawnSync(pulumi, ["stack", "output", "forwards", "--json", "--stack", source.stack], { encoding: "utf8", timeout: 60_000 });
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new UsageError(
      missing
        ? `${pulumi} is not on PATH; install the Pulumi CLI, or pass the forwards with ${fileFlag} <forwards.json>`
        : `running ${pulumi} stack output failed: ${r.error.message}`,
    );
  }
  if (r.status !== 0) {
    const why =
      (r.stderr || r.stdout)
        .trim()
        .split("\n")
        .find((l) => l.trim() !== "") ?? `exit ${r.status}`;
    throw new UsageError(`--stack ${source.stack}: \`pulumi stack output forwards\` failed: ${why.replace(/^error:\s*/, "")}`);
  }
  const out = r.stdout.trim();
  if (out === "" || out === "null") {
    throw new UsageError(`--stack ${source.stack}: the stack has no output \`forwards\` yet; run \`pulumi up --stack ${source.stack}\` first`);
  }
  return parseForwards(out, `stack ${source.stack} output forwards`);
}
