/**
 * Validates manifests against the OpenAPI v3 schema of ONE pinned Kubernetes version, the way
 * `kubectl apply --validate=strict` does on the server: types, enums, required fields and unknown
 * fields (a typo such as `imagePullPolicyy` is an error, not silently dropped).
 *
 * The schema comes from the k8s.io/kubernetes Go module (api/openapi-spec/v3/*.json, committed
 * upstream per release), put in the Go module cache by `tsx test/real/fetch-k8s-openapi.ts`
 * (a build step, like tools/build.sh). Nothing is downloaded at test time.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The pinned Kubernetes version (kind v0.30's default node image is v1.34.x). The only place it lives. */
export const K8S_MODULE = "k8s.io/kubernetes";
export const K8S_VERSION = "v1.34.2";

export function goModCache(): string {
  if (process.env.GOMODCACHE) return process.env.GOMODCACHE;
  try {
    return execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
  } catch {
    return join(process.env.GOPATH || join(homedir(), "go"), "pkg", "mod");
  }
}

export function openApiDir(): string {
  return join(goModCache(), `${K8S_MODULE}@${K8S_VERSION}`, "api", "openapi-spec", "v3");
}

/** The spec directory; throws with the fix when the build step has not run. */
export function requireOpenApiDir(): string {
  const dir = openApiDir();
  if (!existsSync(join(dir, "api__v1_openapi.json"))) {
    throw new Error(`Kubernetes ${K8S_VERSION} OpenAPI spec not found at ${dir}.\nrun npm run tools:build (or: npx tsx test/real/fetch-k8s-openapi.ts)`);
  }
  return dir;
}

type Schema = Record<string, any>;

export class K8sSchemas {
  private readonly docs = new Map<string, Schema>();
  constructor(private readonly dir: string = requireOpenApiDir()) {}

  private doc(apiVersion: string): Schema {
    const file = apiVersion.includes("/") ? `apis__${apiVersion.replace("/", "__")}_openapi.json` : `api__${apiVersion}_openapi.json`;
    let d = this.docs.get(file);
    if (!d) {
      const path = join(this.dir, file);
      if (!existsSync(path)) throw new Error(`apiVersion ${apiVersion} is not served by Kubernetes ${K8S_VERSION} (no ${file})`);
      d = JSON.parse(readFileSync(path, "utf8")) as Schema;
      this.docs.set(file, d);
    }
    return d;
  }

  /** Problems with one object (empty when valid), each prefixed with its JSON path. */
  validate(obj: Record<string, any>): string[] {
    const apiVersion = String(obj.apiVersion ?? "");
    const kind = String(obj.kind ?? "");
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    let doc: Schema;
    try {
      doc = this.doc(apiVersion);
    } catch (e) {
      return [(e as Error).message];
    }
    const schemas = doc.components.schemas as Record<string, Schema>;
    const entry = Object.values(schemas).find((s) =>
      (s["x-kubernetes-group-version-kind"] as any[] | undefined)?.some((g) => g.group === group && g.version === version && g.kind === kind),
    );
    if (!entry) return [`kind ${kind} is not in ${apiVersion} of Kubernetes ${K8S_VERSION}`];
    const problems: string[] = [];
    check(obj, entry, "$", schemas, problems);
    if (!obj.metadata?.name) problems.push("$.metadata.name: required");
    return problems;
  }
}

function resolve(s: Schema, schemas: Record<string, Schema>): Schema {
  let cur = s;
  while (cur.$ref) cur = schemas[String(cur.$ref).replace("#/components/schemas/", "")] ?? {};
  if (Array.isArray(cur.allOf) && cur.allOf.length === 1 && !cur.type && !cur.properties) return resolve({ ...cur.allOf[0] }, schemas);
  return cur;
}

function check(v: unknown, raw: Schema, path: string, schemas: Record<string, Schema>, out: string[]): void {
  const s = resolve(raw, schemas);
  if (v === null || v === undefined) return; // the API server treats null as unset
  if (s["x-kubernetes-int-or-string"]) {
    if (!(typeof v === "string" || Number.isInteger(v))) out.push(`${path}: must be an integer or a string, got ${JSON.stringify(v)}`);
    return;
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    if (Array.isArray(s[key])) {
      const ok = (s[key] as Schema[]).some((alt) => {
        const p: string[] = [];
        check(v, alt, path, schemas, p);
        return p.length === 0;
      });
      if (!ok) out.push(`${path}: matches none of ${key}`);
      return;
    }
  }
  if (Array.isArray(s.enum) && !s.enum.includes(v)) out.push(`${path}: ${JSON.stringify(v)} is not one of ${JSON.stringify(s.enum)}`);
  switch (s.type) {
    case "object": {
      if (typeof v !== "object" || Array.isArray(v)) return void out.push(`${path}: must be an object`);
      const o = v as Record<string, unknown>;
      for (const r of (s.required as string[] | undefined) ?? []) if (!(r in o)) out.push(`${path}.${r}: required`);
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const [k, x] of Object.entries(o)) {
        if (k in props) check(x, props[k], `${path}.${k}`, schemas, out);
        else if (s.additionalProperties && typeof s.additionalProperties === "object") check(x, s.additionalProperties, `${path}.${k}`, schemas, out);
        else if (!s["x-kubernetes-preserve-unknown-fields"] && !s.additionalProperties) out.push(`${path}.${k}: unknown field`);
      }
      return;
    }
    case "array":
      if (!Array.isArray(v)) return void out.push(`${path}: must be an array`);
      v.forEach((x, i) => s.items && check(x, s.items, `${path}[${i}]`, schemas, out));
      return;
    case "string":
      if (typeof v !== "string") out.push(`${path}: must be a string, got ${JSON.stringify(v)}`);
      else if (s.format === "byte" && !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) out.push(`${path}: must be base64`);
      return;
    case "integer":
      if (!Number.isInteger(v)) out.push(`${path}: must be an integer, got ${JSON.stringify(v)}`);
      else if (s.format === "int32" && ((v as number) > 2 ** 31 - 1 || (v as number) < -(2 ** 31))) out.push(`${path}: out of int32 range`);
      return;
    case "number":
      if (typeof v !== "number") out.push(`${path}: must be a number, got ${JSON.stringify(v)}`);
      return;
    case "boolean":
      if (typeof v !== "boolean") out.push(`${path}: must be a boolean, got ${JSON.stringify(v)}`);
      return;
    default:
      return; // untyped (e.g. RawExtension): anything goes
  }
}
