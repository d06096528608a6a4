/**
 * prometheus and promtool of the release the localnet deploys, built from the Go module proxy.
 * Prometheus 3.x is published as Go module versions v0.3MM.P (3.5.0 = v0.305.0).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { PROMETHEUS_VERSION } from "../../components/config/schema";
import { outputOf, runLogged } from "./cache";
import { pin, type Recipe } from "./recipe";

/** The Go module version of a Prometheus 3.x release: "3.5.0" → "v0.305.0". */
export function prometheusModuleVersion(release: string): string {
  const m = /^3\.(\d+)\.(\d+)$/.exec(release);
  if (!m) throw new Error(`Prometheus release "${release}": only 3.x.y maps to a Go module version (v0.3MM.P)`);
  return `v0.${300 + Number(m[1])}.${m[2]}`;
}

/** One line saying what to install when Go is missing or older than GO_MIN; undefined when it is there. */
export function missingGo(min = pin("GO_MIN"), env?: NodeJS.ProcessEnv): string | undefined {
  const out = outputOf("go", ["env", "GOVERSION"], env);
  const fix = `install Go ${min} or newer (go.dev/dl), then run npm test again`;
  if (out === undefined) return `go is not on PATH: prometheus and promtool are built from the Go module proxy; ${fix}`;
  const have = out.trim().replace(/^go/, "");
  const [a, b] = [have, min].map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) > (b[i] ?? 0)) return undefined;
    if ((a[i] ?? 0) < (b[i] ?? 0)) return `go ${have} is older than ${min}: ${fix}`;
  }
  return undefined;
}

export function prometheusRecipe(release = PROMETHEUS_VERSION): Recipe {
  const module = prometheusModuleVersion(release);
  const plugins = pin("PROMETHEUS_SD_PLUGINS");
  return {
    name: "prometheus",
    what: `prometheus and promtool ${release} (Go module ${module}, SD plugins ${plugins},file,http)`,
    label: release,
    key: { release, module, plugins, goMin: pin("GO_MIN"), revision: "1" },
    files: { prometheus: "bin/prometheus", promtool: "bin/promtool" },
    pathDirs: ["bin"],
    missing: () => missingGo(),
    build(dir, log) {
      const work = join(dir, "work");
      runLogged(log, "bash", [join(__dirname, "build-prometheus.sh"), release, module, plugins, join(dir, "bin"), work]);
      rmSync(work, { recursive: true, force: true });
    },
    check(dir) {
      const lines = [];
      for (const exe of ["prometheus", "promtool"]) {
        const out = outputOf(join(dir, "bin", exe), ["--version"]);
        if (!out?.includes(`version ${release}`)) throw new Error(`${exe} in ${dir} is not ${release}: ${out?.trim() ?? "does not run"}`);
        lines.push(out.split("\n")[0]);
      }
      return lines.join("; ");
    },
  };
}
