/**
 * Recording block results of a real run as test fixtures: with RML_RECORD_BLOCK_RESULTS=<dir>,
 * a relay-path test writes `<dir>/<name>.json` = { "<height>": <block_results response> } for every
 * block in the range that carries relay-path events, plus the first block without any. Nothing
 * is rewritten: the files hold the node's answers as they came.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { blockResults, decodeBlockResults } from "../../services/chain-exporter/chain-events";

export async function recordBlockResults(rpcUrl: string, name: string, from: number, to: number): Promise<string | undefined> {
  const dir = process.env.RML_RECORD_BLOCK_RESULTS;
  if (!dir) return undefined;
  const out: Record<string, unknown> = {};
  let emptyKept = false;
  for (let h = from; h <= to; h++) {
    const r = await blockResults(rpcUrl, h);
    const relevant = decodeBlockResults(r, h).length > 0;
    if (relevant || !emptyKept) out[String(h)] = r;
    if (!relevant) emptyKept = true;
  }
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
  return file;
}
