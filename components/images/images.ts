/**
 * The images the localnet deploys: the configured tags, or images built from local sources.
 *
 * - `build.enabled = false` (default): the refs are `images.backend` and `images.relayMiner` as
 *   configured and no Docker resource is registered, so `pulumi preview` and `up` need no Docker
 *   engine (only the cluster must be able to pull those tags).
 * - `build.enabled = true`: the backend and the chain exporter are built from `services/backend`
 *   and `services/chain-exporter` (the localnet's own images), and the relay-miner from
 *   `build.relayminerSource` when that is set (else its configured tag is used). Images are built
 *   by `@pulumi/docker-build` with `buildOnPreview: false` and pushed to `build.registry`.
 *
 * Tags are content addressed: `<registry>/<repository>:<hash of the build context>`. An unchanged
 * source gives the same tag, so the pod template does not change and no pod rolls; any change of
 * a file Docker would send gives a new tag and a rollout. The returned ref waits for the push, so
 * a workload that uses it is never updated before its image exists.
 */
import * as pulumi from "@pulumi/pulumi";
import * as dockerBuild from "@pulumi/docker-build";
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { asRunError } from "../config";
import { ConfigError } from "../config/errors";
import { contextHash } from "./context-hash";
import { contextBuilder } from "./builder";
import { goCompiler, writeHostContext, type HostCompiler } from "./host-build";

/** Hex characters of the context hash kept in the tag: 80 bits, far from colliding in a dev registry. */
export const tagHashLength = 20;

/** Where the backend's build context lives, relative to the project directory. */
export const backendContext = "services/backend";
/** Where the chain exporter's build context lives. */
export const chainExporterContext = "services/chain-exporter";

export interface LocalnetImagesArgs {
  build: {
    /** Build the backend (and the relay-miner, with relayminerSource) instead of using the tags. */
    enabled: boolean;
    /** Registry built images are pushed to and pulled from. */
    registry: string;
    /** A pocket-relay-miner checkout with a Dockerfile. @default unset: the configured tag is used */
    relayminerSource?: string;
    /** How the checkout becomes an image: its own Dockerfile, or `go build` on the host plus one layer on images.relayMiner (host-build.ts). @default "dockerfile" */
    relayminerBuild?: "dockerfile" | "host";
    /** Docker buildx builder to build with. @default the builder of the current Docker context (images/builder.ts) */
    builder?: string;
    /** Build arguments for every built image; part of the tag. @default {} */
    args?: Readonly<Record<string, string>>;
  };
  /** The configured image refs; built images keep their repository names. */
  /** `chainExporter` only when it is deployed (observability on): nothing is built for it otherwise. */
  images: { backend: string; relayMiner: string; chainExporter?: string };
  /** Directory relative paths are resolved against. @default the current directory (Pulumi's project dir) */
  projectDir?: string;
  /** Compiles the relay-miner for build.relayminerBuild = host. @default the Go toolchain on PATH */
  hostCompiler?: HostCompiler;
}

/**
 * The repository part of a configured ref without its registry host and tag:
 * `ghcr.io/pokt-network/pocket-relay-miner:v0.1.2` → `pokt-network/pocket-relay-miner`.
 */
export function repositoryOf(ref: string): string {
  const noDigest = ref.split("@")[0];
  const lastSlash = noDigest.lastIndexOf("/");
  const colon = noDigest.indexOf(":", lastSlash + 1);
  const path = colon === -1 ? noDigest : noDigest.slice(0, colon);
  const parts = path.split("/");
  // Docker's rule: the first component is a registry host if it has a '.' or ':' or is localhost.
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === "localhost")) parts.shift();
  return parts.join("/");
}

/** The content-addressed ref a built image is pushed as. */
/**
 * The tag's hash: the context's, and with build arguments a hash of both (the same source built
 * on another base is another image). No arguments keeps the context hash as it is.
 */
export function tagHash(context: string, buildArgs: Readonly<Record<string, string>>): string {
  const keys = Object.keys(buildArgs).sort();
  if (keys.length === 0) return context;
  const canonical = JSON.stringify(keys.map((k) => [k, buildArgs[k]]));
  return createHash("sha256").update(`${context}\n${canonical}`).digest("hex");
}

export function builtRef(registry: string, configuredRef: string, hash: string): string {
  return `${registry.replace(/\/+$/, "")}/${repositoryOf(configuredRef)}:${hash.slice(0, tagHashLength)}`;
}

/** What to blame when a build context is unusable: the config key and value that asked for the build. */
interface ContextOrigin {
  key: string;
  value: unknown;
  /** What the user can do instead. */
  instead: string;
}

/**
 * Checks that `dir` is a directory holding `file` before anything is registered, so a typo is a
 * config error naming the key, not a build log.
 */
function requireDirectoryWith(origin: ContextOrigin, dir: string, want: { file: string; dirIs: string; without: string; allowed: string }): void {
  const problem =
    !existsSync(dir) || !statSync(dir).isDirectory()
      ? `${want.dirIs} is not a directory`
      : !existsSync(join(dir, want.file))
        ? `${want.without} (expected ${join(dir, want.file)})`
        : undefined;
  if (problem) {
    throw asRunError(new ConfigError([{ key: origin.key, value: origin.value, message: `${problem}; allowed: ${want.allowed}, or ${origin.instead}` }]));
  }
}

/** A Docker build context: a directory with a Dockerfile. */
const checkContext = (origin: ContextOrigin, dir: string) =>
  requireDirectoryWith(origin, dir, {
    file: "Dockerfile",
    dirIs: `the build context ${dir}`,
    without: "the build context has no Dockerfile",
    allowed: "a directory with a Dockerfile",
  });

/** A checkout the host build can compile: a directory with a go.mod. */
const checkGoModule = (origin: ContextOrigin, dir: string) =>
  requireDirectoryWith(origin, dir, { file: "go.mod", dirIs: dir, without: `${dir} is no Go module`, allowed: "a pocket-relay-miner checkout" });

/** The context hash; an unreadable file or a broken .dockerignore is blamed on the key that asked for the build. */
function hashOrConfigError(origin: ContextOrigin, dir: string): string {
  try {
    return contextHash(dir);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ? `${(e as NodeJS.ErrnoException).code}: ${(e as Error).message}` : (e as Error).message;
    throw asRunError(
      new ConfigError([
        {
          key: origin.key,
          value: origin.value,
          message: `cannot hash the build context ${dir} (${reason}); allowed: a readable directory with a valid .dockerignore, or ${origin.instead}`,
        },
      ]),
    );
  }
}

export class LocalnetImages extends pulumi.ComponentResource {
  /** Image ref for the backend Deployment. */
  readonly backend: pulumi.Output<string>;
  /** Image ref for the relayer and miner workloads. */
  readonly relayMiner: pulumi.Output<string>;
  /** Image ref for the chain exporter (absent when it is not deployed). */
  readonly chainExporter?: pulumi.Output<string>;
  /** The docker-build images this component registered (empty when build.enabled is false). */
  readonly built: Readonly<Record<string, dockerBuild.Image>>;

  constructor(name: string, args: LocalnetImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relayminer-localnet:localnet:Images", name, {}, opts);
    const { build: settings, images } = args;
    const projectDir = args.projectDir ?? process.cwd();
    const built: Record<string, dockerBuild.Image> = {};
    const builderName = settings.builder ?? contextBuilder();
    const buildArgs = settings.args ?? {};

    /** Registers the image build of `context` (a directory with a Dockerfile, or one still being prepared) pushed as `ref`. */
    const register = (key: string, ref: string, context: pulumi.Input<string>, args: Readonly<Record<string, string>>): pulumi.Output<string> => {
      const image = new dockerBuild.Image(
        `${name}-${key}`,
        {
          context: { location: context },
          dockerfile: { location: pulumi.output(context).apply((dir) => join(dir, "Dockerfile")) },
          ...(Object.keys(args).length ? { buildArgs: args } : {}),
          tags: [ref],
          push: true,
          // The engine's own builder, through the docker-buildx plugin (see images/builder.ts).
          exec: true,
          builder: { name: builderName },
          // Preview must not need a Docker engine; the tag is already known from the hash.
          buildOnPreview: false,
        },
        { parent: this },
      );
      built[key] = image;
      // The value is the tag (stable across rebuilds of the same source); going through `ref`
      // makes every consumer depend on the push having finished.
      return image.ref.apply(() => ref);
    };

    const build = (key: string, origin: ContextOrigin, source: string, configuredRef: string): pulumi.Output<string> => {
      const dir = resolve(projectDir, source);
      checkContext(origin, dir);
      return register(key, builtRef(settings.registry, configuredRef, tagHash(hashOrConfigError(origin, dir), buildArgs)), dir, buildArgs);
    };

    /** The relay-miner compiled on the host (host-build.ts) and layered on the configured image. */
    const hostBuild = (origin: ContextOrigin, source: string, configuredRef: string): pulumi.Output<string> => {
      const dir = resolve(projectDir, source);
      checkGoModule(origin, dir);
      const compiler = args.hostCompiler ?? goCompiler;
      const toolchain = compiler.toolchain();
      if (typeof toolchain === "string") {
        throw asRunError(
          new ConfigError([
            { key: "build.relayminerBuild", value: "host", message: `${toolchain}; allowed: "host" with Go installed, or "dockerfile" to build the checkout's Dockerfile` },
          ]),
        );
      }
      const baseArgs = { ...buildArgs, RELAYMINER_BASE: configuredRef };
      const inputs = { ...baseArgs, "go:version": toolchain.version, "go:arch": toolchain.arch };
      const ref = builtRef(settings.registry, configuredRef, tagHash(hashOrConfigError(origin, dir), inputs));
      const contextDir = writeHostContext(join(projectDir, ".cache", "relayminer-host-build"));
      // Preview builds nothing (buildOnPreview: false), so it compiles nothing either.
      const context = pulumi.runtime.isDryRun()
        ? contextDir
        : compiler.compile(dir, contextDir, ref, toolchain).catch((e: Error) => {
            throw new pulumi.RunError(`build.relayminerSource = ${source} (build.relayminerBuild = host): ${e.message}`);
          });
      return register("relay-miner", ref, context, baseArgs);
    };

    if (settings.enabled) {
      const backendOrigin = { key: "build.enabled", value: true, instead: "build.enabled = false to deploy images.backend as is" };
      this.backend = build("backend", backendOrigin, backendContext, images.backend);
      const exporterOrigin = { ...backendOrigin, instead: "build.enabled = false to deploy images.chainExporter as is" };
      this.chainExporter = images.chainExporter === undefined ? undefined : build("chain-exporter", exporterOrigin, chainExporterContext, images.chainExporter);
      const source = settings.relayminerSource;
      const minerOrigin = { key: "build.relayminerSource", value: source, instead: "unset it to deploy images.relayMiner as is" };
      this.relayMiner = !source
        ? pulumi.output(images.relayMiner)
        : settings.relayminerBuild === "host"
          ? hostBuild(minerOrigin, source, images.relayMiner)
          : build("relay-miner", minerOrigin, source, images.relayMiner);
    } else {
      this.backend = pulumi.output(images.backend);
      this.relayMiner = pulumi.output(images.relayMiner);
      this.chainExporter = images.chainExporter === undefined ? undefined : pulumi.output(images.chainExporter);
    }
    this.built = Object.freeze(built);
    this.registerOutputs({ backend: this.backend, relayMiner: this.relayMiner, chainExporter: this.chainExporter });
  }
}
