/**
 * Builds the localnet's test images from the real programs, without Docker, into
 * ~/.cache/relayminer-localnet/images ($RELAYMINER_IMAGES_DIR moves it): one docker-archive per
 * image, named by a hash of everything that goes in (recipe, contract, the programs' digests,
 * package versions), so an unchanged image is never rebuilt.
 *
 *   tsx tools/images/build.ts [key,...]      (default: every image whose programs are available)
 *
 * Prints one line per image: cached/built, size, seconds, tag. Needs root (file owners), Debian
 * with apt-get and mmdebstrap (installed by tools/node/install-packages.sh when missing).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseVersionsFile } from "../paths";
import { layerFromDir, sha256File, writeDockerArchive, type Layer } from "./archive";
import { IMAGE_CONTRACTS, IMAGE_KEYS, localRepository, type ImageKey } from "./contract";
import { debianBase, hostSuite, type DebianBase } from "./debian";
import { busyboxInputs, fillBusybox, foldIntoBaseLinks, RECIPES, type RecipeContext } from "./recipes";
import { relayMinerBinary } from "./sources";

const repoRoot = join(__dirname, "..", "..");
const versionsFile = join(__dirname, "versions.env");

export interface BuiltImage {
  key: ImageKey;
  ref: string;
  archive: string;
  cached: boolean;
  seconds: number;
  bytes: number;
}

export function imagesCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RELAYMINER_IMAGES_DIR || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "relayminer-localnet", "images");
}

/** The images whose programs exist here: the relay-miner only with a binary. */
export function availableImageKeys(): ImageKey[] {
  return IMAGE_KEYS.filter((k) => k !== "relayMiner" || relayMinerBinary() !== undefined);
}

function ensureHostPackages(): void {
  const r = spawnSync("bash", [join(__dirname, "..", "node", "install-packages.sh"), "mmdebstrap"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`installing mmdebstrap failed: ${r.stderr}`);
}

function context(cacheDir: string): RecipeContext {
  const versions = parseVersionsFile(versionsFile);
  const need = (k: string) => {
    const v = versions[k];
    if (!v) throw new Error(`tools/images/versions.env lacks ${k}`);
    return v;
  };
  const digests = new Map<string, Promise<string>>();
  let base: Promise<DebianBase> | undefined;
  return {
    cacheDir,
    versions,
    repoRoot,
    need,
    digest: (p) => {
      if (!digests.has(p)) digests.set(p, sha256File(p));
      return digests.get(p)!;
    },
    debian: () => {
      if (!base) {
        const suite = need("DEBIAN_SUITE");
        const host = hostSuite();
        if (host !== suite) {
          throw new Error(
            `DEBIAN_SUITE=${suite} in tools/images/versions.env, but this machine runs Debian "${host || "unknown"}": extra packages are resolved by this machine's apt, so build on ${suite}`,
          );
        }
        ensureHostPackages();
        base = debianBase(cacheDir, suite, need("DEBIAN_BASE_PACKAGES").split(","), need("IMAGES_RECIPE"));
      }
      return base;
    },
  };
}

/** Builds (or finds cached) the busybox base layer. */
async function busyboxLayer(ctx: RecipeContext, fingerprint: string): Promise<Layer> {
  const tar = join(ctx.cacheDir, "layers", `busybox-base-${fingerprint}.tar`);
  if (existsSync(tar)) return { tar, digest: await ctx.digest(tar) };
  const dir = mkdtempSync(join(ctx.cacheDir, ".busybox-base-"));
  try {
    await fillBusybox(ctx, { dir: join(dir, "rootfs") });
    return await layerFromDir(join(dir, "rootfs"), tar);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function buildOne(ctx: RecipeContext, key: ImageKey): Promise<BuiltImage> {
  const start = Date.now();
  const contract = IMAGE_CONTRACTS[key];
  const recipe = RECIPES[key];
  const inputs = await recipe.inputs(ctx);
  const baseFingerprint =
    contract.base === "debian"
      ? (await ctx.debian()).layer.digest
      : contract.base === "busybox"
        ? createHash("sha256")
            .update(await busyboxInputs(ctx))
            .digest("hex")
            .slice(0, 16)
        : "";
  const hash = createHash("sha256")
    .update(
      JSON.stringify({
        recipe: ctx.need("IMAGES_RECIPE"),
        contract,
        inputs,
        base: contract.base,
        baseFingerprint,
      }),
    )
    .digest("hex")
    .slice(0, 16);
  const ref = `${localRepository(key)}:${hash}`;
  const archive = join(ctx.cacheDir, "archives", `${key}-${hash}.tar`);
  if (existsSync(archive)) {
    return { key, ref, archive, cached: true, seconds: (Date.now() - start) / 1000, bytes: statSync(archive).size };
  }
  mkdirSync(join(ctx.cacheDir, "archives"), { recursive: true });
  const layers: Layer[] = [];
  if (contract.base === "debian") layers.push((await ctx.debian()).layer);
  if (contract.base === "busybox") layers.push(await busyboxLayer(ctx, baseFingerprint));
  const work = mkdtempSync(join(ctx.cacheDir, `.build-${key}-`));
  try {
    const rootfs = join(work, "rootfs");
    mkdirSync(rootfs);
    const layer = { dir: rootfs, base: contract.base === "debian" ? (await ctx.debian()).rootfs : undefined };
    await recipe.fill(ctx, layer);
    foldIntoBaseLinks(layer);
    const own = await layerFromDir(rootfs, join(work, "layer.tar"));
    layers.push(own);
    await writeDockerArchive(
      ref,
      layers,
      {
        entrypoint: contract.entrypoint,
        cmd: contract.cmd,
        user: contract.user,
        workdir: contract.workdir,
        env: contract.env,
        labels: { "org.opencontainers.image.description": `relayminer-localnet test image standing for ${contract.publicRef}` },
      },
      archive,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  writeFileSync(`${archive}.json`, JSON.stringify({ ref, key, inputs }, null, 2));
  // Older builds of this image are superseded: keep the cache to one archive per image.
  for (const f of readdirSync(join(ctx.cacheDir, "archives"))) {
    if (f.startsWith(`${key}-`) && !f.startsWith(`${key}-${hash}.`)) rmSync(join(ctx.cacheDir, "archives", f), { force: true });
  }
  return { key, ref, archive, cached: false, seconds: (Date.now() - start) / 1000, bytes: statSync(archive).size };
}

/** Builds the given images (cached ones cost a digest of their inputs). */
export async function buildImages(keys: readonly ImageKey[] = availableImageKeys()): Promise<BuiltImage[]> {
  if (process.getuid?.() !== 0) throw new Error("building the test images needs root (the images' files have their owners set with chown)");
  const cacheDir = imagesCacheDir();
  mkdirSync(cacheDir, { recursive: true });
  const ctx = context(cacheDir);
  const out: BuiltImage[] = [];
  for (const key of keys) {
    try {
      out.push(await buildOne(ctx, key));
    } catch (e) {
      throw new Error(`image ${key} (standing for ${IMAGE_CONTRACTS[key].publicRef}): ${(e as Error).message}`, { cause: e });
    }
  }
  return out;
}

export function formatBuilt(images: BuiltImage[]): string {
  return images
    .map(
      (i) => `${i.key.padEnd(15)} ${(i.cached ? "cached" : "built").padEnd(7)} ${(i.bytes / 1048576).toFixed(1).padStart(7)} MiB ${i.seconds.toFixed(1).padStart(6)} s  ${i.ref}`,
    )
    .join("\n");
}

async function main(): Promise<void> {
  const arg = process.argv[2];
  const keys = arg ? arg.split(",") : availableImageKeys();
  for (const k of keys) {
    if (!(IMAGE_KEYS as readonly string[]).includes(k)) {
      console.error(`tools/images/build.ts: unknown image "${k}" (known: ${IMAGE_KEYS.join(", ")})`);
      process.exit(2);
    }
  }
  const start = Date.now();
  const built = await buildImages(keys as ImageKey[]);
  console.log(formatBuilt(built));
  console.log(`${built.length} image(s) in ${((Date.now() - start) / 1000).toFixed(1)} s; archives in ${join(imagesCacheDir(), "archives")}`);
  if (!keys.includes("relayMiner") && !arg) console.log("relayMiner: NOT BUILT: no pocket-relay-miner binary (set RELAYMINER_TOOLS_BIN)");
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`tools/images/build.ts: ${(e as Error).message}`);
    process.exit(1);
  });
}
