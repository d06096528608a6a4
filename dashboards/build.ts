/**
 * `npm run dashboards:build`: writes dashboards/generated/*.json from the TypeScript definitions and
 * removes stale files. The JSON is checked in; dashboards.test.ts fails when it is out of date.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dashboardFiles } from "./index";

const generatedDir = join(__dirname, "generated");

function main(): void {
  mkdirSync(generatedDir, { recursive: true });
  const files = dashboardFiles();
  for (const stale of readdirSync(generatedDir).filter((f) => f.endsWith(".json") && !(f in files))) {
    rmSync(join(generatedDir, stale));
    console.log(`removed ${stale}`);
  }
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(generatedDir, name), text);
    console.log(`wrote dashboards/generated/${name} (${text.length} bytes)`);
  }
}

main();
