/**
 * Build step for the engine test: puts the pinned Kubernetes OpenAPI spec (k8s.io/kubernetes Go
 * module, ~18 MB zip) into the Go module cache through the module proxy. Idempotent: a second run
 * downloads nothing. Run it with the tool build, before `npm run test:real`:
 *   npx tsx test/real/fetch-k8s-openapi.ts
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { K8S_MODULE, K8S_VERSION, openApiDir } from "./k8s-openapi";

const dir = openApiDir();
if (existsSync(join(dir, "api__v1_openapi.json"))) {
  console.log(`Kubernetes ${K8S_VERSION} OpenAPI spec: cached at ${dir}`);
} else {
  const started = Date.now();
  // `go mod download` needs a module context to run in; an empty temp one keeps the repo clean.
  const cwd = mkdtempSync(join(tmpdir(), "k8s-openapi-"));
  try {
    execFileSync("go", ["mod", "download", "-json", `${K8S_MODULE}@${K8S_VERSION}`], { cwd, stdio: ["ignore", "ignore", "inherit"] });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  if (!existsSync(join(dir, "api__v1_openapi.json"))) throw new Error(`go mod download ${K8S_MODULE}@${K8S_VERSION} did not produce ${dir}`);
  console.log(`Kubernetes ${K8S_VERSION} OpenAPI spec: downloaded to ${dir} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
