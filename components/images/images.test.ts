/**
 * LocalnetImages under Pulumi mocks: which resources it registers and which tags it pushes.
 * Mocks are set before the component module is loaded, so nothing it registers can reach a real
 * engine.
 */
// test-runner: own process (it sets Pulumi's mocks and DOCKER_HOST for the whole process before loading the images module)
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { contextHash } from "./context-hash";
import { localnetSchema, type LocalnetConfigInput } from "../config/schema";
import { settleRelayMiner } from "../config/relay-miner-version";
import type { GoToolchain, HostCompiler } from "./host-build";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];

let images: typeof import("./images");
before(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        // docker-build reports `ref` as tag@digest after a push; imitate it so consumers resolve.
        const tags = (args.inputs.tags as string[] | undefined) ?? [];
        const state = args.type === "docker-build:index:Image" ? { ...args.inputs, ref: `${tags[0]}@sha256:${"0".repeat(64)}` } : args.inputs;
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "relayminer-localnet",
    "test",
    false,
  );
  // The default builder follows the Docker context: pin it (DOCKER_HOST means "default").
  process.env.DOCKER_HOST = "unix:///nonexistent/docker.sock";
  images = await import("./images");
});

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function write(dir: string, path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

/** A project directory with the backend's and the chain exporter's contexts and a relay-miner checkout. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "rml-images-"));
  dirs.push(dir);
  write(dir, "services/backend/Dockerfile", "FROM node:20-alpine\nCOPY . /app\n");
  write(dir, "services/backend/src/main.ts", "export const v = 1;\n");
  write(dir, "services/backend/.dockerignore", "node_modules\n");
  write(dir, "services/chain-exporter/Dockerfile", "FROM node:20-alpine\nCOPY . /app\n");
  write(dir, "services/chain-exporter/src/main.ts", "export const v = 1;\n");
  write(dir, "relay-miner/Dockerfile", "FROM golang:1.26-alpine\n");
  write(dir, "relay-miner/main.go", "package main\n");
  return dir;
}

/** project() with a go.mod in the relay-miner checkout. */
function goProject(): string {
  const dir = project();
  write(dir, "relay-miner/go.mod", "module example.test/relay-miner\n");
  return dir;
}

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

let seq = 0;
/**
 * Registers a component and returns its refs plus the docker-build Images it registered. Without
 * `withChainExporter` the chain exporter is not deployed (observability off), as the component is
 * told then.
 */
async function deploy(input: LocalnetConfigInput, projectDir: string, withChainExporter = false, hostCompiler?: HostCompiler) {
  const from = registered.length;
  const { build, images: configured } = settleRelayMiner(localnetSchema.parse(input)).config;
  const wanted = { backend: configured.backend, relayMiner: configured.relayMiner, chainExporter: withChainExporter ? configured.chainExporter : undefined };
  const c = new images.LocalnetImages(`images-${seq++}`, { build, images: wanted, projectDir, hostCompiler });
  const refs = { backend: await value(c.backend), relayMiner: await value(c.relayMiner), chainExporter: c.chainExporter && (await value(c.chainExporter)) };
  const docker = registered.slice(from).filter((r) => r.type.startsWith("docker"));
  return { refs, docker };
}

const building = { build: { enabled: true } };

describe("LocalnetImages", () => {
  test("build.enabled=false: configured tags unchanged and no docker resource at all", async () => {
    const { refs, docker } = await deploy({ images: { backend: "me/backend:7" } }, project());
    assert.deepEqual(refs, { backend: "me/backend:7", relayMiner: "ghcr.io/pokt-network/pocket-relay-miner:v0.1.2", chainExporter: undefined });
    assert.deepEqual(docker, []);
    const deployed = await deploy({ images: { chainExporter: "me/exporter:3" } }, project(), true);
    assert.equal(deployed.refs.chainExporter, "me/exporter:3");
    assert.deepEqual(deployed.docker, []);
  });

  test("build.enabled=false registers nothing even when the sources are missing", async () => {
    const { docker } = await deploy({ build: { relayminerSource: "nowhere" } }, "/nonexistent");
    assert.deepEqual(docker, []);
  });

  test("build.enabled=true: the backend is built, pushed to the registry, never on preview", async () => {
    const dir = project();
    const { refs, docker } = await deploy(building, dir);
    assert.equal(docker.length, 1);
    const [img] = docker;
    assert.equal(img.type, "docker-build:index:Image");
    assert.equal(img.inputs.push, true);
    assert.equal(img.inputs.buildOnPreview, false);
    // The engine's own builder through the buildx plugin: it pushes from the engine, which reaches localhost:5001.
    assert.equal(img.inputs.exec, true);
    assert.deepEqual(img.inputs.builder, { name: "default" });
    assert.deepEqual(img.inputs.context, { location: join(dir, "services/backend") });
    const hash = contextHash(join(dir, "services/backend")).slice(0, images.tagHashLength);
    assert.deepEqual(img.inputs.tags, [`localhost:5001/relayminer-localnet/backend:${hash}`]);
    assert.equal(refs.backend, `localhost:5001/relayminer-localnet/backend:${hash}`);
    assert.equal(refs.relayMiner, "ghcr.io/pokt-network/pocket-relay-miner:v0.1.2", "no source: the configured tag");
  });

  test("build.enabled=true with the chain exporter deployed: it is built from services/chain-exporter, its own tag", async () => {
    const dir = project();
    const { refs, docker } = await deploy(building, dir, true);
    assert.equal(docker.length, 2);
    const exporter = docker.find((d) => d.name.endsWith("chain-exporter"));
    assert.deepEqual(exporter?.inputs.context, { location: join(dir, "services/chain-exporter") });
    const hash = contextHash(join(dir, "services/chain-exporter")).slice(0, images.tagHashLength);
    assert.equal(refs.chainExporter, `localhost:5001/relayminer-localnet/chain-exporter:${hash}`);
    assert.deepEqual(exporter?.inputs.tags, [refs.chainExporter]);
  });

  test("relayminerSource set: the relay-miner is built too, under the configured registry", async () => {
    const dir = project();
    const { refs, docker } = await deploy({ build: { enabled: true, registry: "reg.local:5000", relayminerSource: "relay-miner" } }, dir);
    assert.equal(docker.length, 2);
    assert.match(refs.relayMiner, /^reg\.local:5000\/pokt-network\/pocket-relay-miner:[a-f0-9]{20}$/);
    assert.deepEqual(docker.find((d) => d.name.endsWith("relay-miner"))?.inputs.tags, [refs.relayMiner]);
  });

  test("tags change exactly when the build context changes", async () => {
    const dir = project();
    const src = { build: { enabled: true, relayminerSource: "relay-miner" } };
    const first = (await deploy(src, dir)).refs;
    assert.deepEqual((await deploy(src, dir)).refs, first, "unchanged sources keep their tags");

    write(dir, "services/backend/node_modules/dep/index.js", "ignored by .dockerignore");
    assert.deepEqual((await deploy(src, dir)).refs, first, "a .dockerignored file does not roll pods");

    write(dir, "services/backend/src/main.ts", "export const v = 2;\n");
    const second = (await deploy(src, dir)).refs;
    assert.notEqual(second.backend, first.backend, "a backend edit gives a new backend tag");
    assert.equal(second.relayMiner, first.relayMiner, "and leaves the relay-miner tag alone");

    write(dir, "relay-miner/main.go", "package main // edited\n");
    const third = (await deploy(src, dir)).refs;
    assert.notEqual(third.relayMiner, second.relayMiner);
    assert.equal(third.backend, second.backend);
  });

  test("build.args reach the build and are part of the tag: another base is another image", async () => {
    const dir = project();
    const plain = await deploy(building, dir);
    assert.equal(plain.docker[0].inputs.buildArgs, undefined, "no arguments: none sent");
    const args = { BUILD_BASE: "mirror.test/node:20-alpine", RUNTIME_BASE: "mirror.test/node:20-alpine" };
    const mirrored = await deploy({ build: { enabled: true, args } }, dir);
    assert.deepEqual(mirrored.docker[0].inputs.buildArgs, args);
    assert.notEqual(mirrored.refs.backend, plain.refs.backend);
    const reordered = await deploy({ build: { enabled: true, args: JSON.stringify({ RUNTIME_BASE: args.RUNTIME_BASE, BUILD_BASE: args.BUILD_BASE }) } }, dir);
    assert.equal(reordered.refs.backend, mirrored.refs.backend, "the order of the arguments (or a JSON string) does not matter");
    const other = await deploy({ build: { enabled: true, args: { ...args, RUNTIME_BASE: "mirror.test/node:22-alpine" } } }, dir);
    assert.notEqual(other.refs.backend, mirrored.refs.backend);
  });

  test("build.builder names another builder", async () => {
    const { docker } = await deploy({ build: { enabled: true, builder: "mine" } }, project());
    assert.deepEqual(docker[0].inputs.builder, { name: "mine" });
  });

  test("a build argument with a bad name is refused naming the key", () => {
    assert.throws(() => localnetSchema.parse({ build: { args: { "BAD-NAME": "x" } } }), /build argument name/);
  });

  test("a relay-miner checkout without a Dockerfile is a config error naming the key", async () => {
    const dir = project();
    rmSync(join(dir, "relay-miner/Dockerfile"));
    await assert.rejects(
      async () => deploy({ build: { enabled: true, relayminerSource: "relay-miner" } }, dir),
      (e: Error) => pulumi.RunError.isInstance(e) && /build\.relayminerSource = "relay-miner": the build context has no Dockerfile/.test(e.message),
    );
  });

  test("a context that cannot be hashed is a config error naming the key, printed without a stack trace", async () => {
    const dir = project();
    write(dir, "relay-miner/.dockerignore", "build/[abc\n");
    await assert.rejects(
      async () => deploy({ build: { enabled: true, relayminerSource: "relay-miner" } }, dir),
      (e: Error) => {
        assert.ok(pulumi.RunError.isInstance(e), `a RunError, got ${e.name}`);
        assert.match(
          e.message,
          /build\.relayminerSource = "relay-miner": cannot hash the build context .*relay-miner \(unterminated character class in \.dockerignore pattern "build\/\[abc"\)/,
        );
        return true;
      },
    );
  });

  // Last: a refused build leaves the images registered before it, which a later count would see.
  test("a chain exporter context without a Dockerfile is a config error naming what to set instead", async () => {
    const dir = project();
    rmSync(join(dir, "services/chain-exporter/Dockerfile"));
    await assert.rejects(
      async () => deploy(building, dir, true),
      (e: Error) =>
        pulumi.RunError.isInstance(e) &&
        /build\.enabled = true: the build context has no Dockerfile \(expected .*services\/chain-exporter\/Dockerfile\)/.test(e.message) &&
        /images\.chainExporter/.test(e.message),
    );
  });
});

describe("build.relayminerBuild = host", () => {
  /** A compiler that records its calls and writes a fake binary instead of running go. */
  function fakeCompiler(toolchain: GoToolchain | string = { version: "go1.26.8", arch: "amd64" }) {
    const calls: { source: string; contextDir: string; tag: string }[] = [];
    const compiler: HostCompiler = {
      toolchain: () => toolchain,
      compile: async (source, contextDir, tag) => {
        calls.push({ source, contextDir, tag });
        write(contextDir, "pocket-relay-miner", "binary");
        return contextDir;
      },
    };
    return { compiler, calls };
  }
  const host = {
    build: { enabled: true, relayminerSource: "relay-miner", relayminerBuild: "host" as const },
    images: { relayMiner: "ghcr.io/pokt-network/pocket-relay-miner:ad37bcb" },
  };

  test("compiles the checkout on the host and builds the generated context FROM the configured image", async () => {
    const dir = goProject();
    const { compiler, calls } = fakeCompiler();
    const { refs, docker } = await deploy(host, dir, false, compiler);
    const img = docker.find((d) => d.name.endsWith("relay-miner"));
    const contextDir = join(dir, ".cache", "relayminer-host-build");
    assert.deepEqual(calls, [{ source: join(dir, "relay-miner"), contextDir, tag: refs.relayMiner }]);
    assert.deepEqual(img?.inputs.context, { location: contextDir });
    assert.deepEqual(img?.inputs.dockerfile, { location: join(contextDir, "Dockerfile") });
    assert.deepEqual(img?.inputs.buildArgs, { RELAYMINER_BASE: "ghcr.io/pokt-network/pocket-relay-miner:ad37bcb" });
    assert.match(readFileSync(join(contextDir, "Dockerfile"), "utf8"), /^FROM \$\{RELAYMINER_BASE\}\nCOPY pocket-relay-miner \/usr\/local\/bin\/pocket-relay-miner$/m);
    assert.match(refs.relayMiner, /^localhost:5001\/pokt-network\/pocket-relay-miner:[a-f0-9]{20}$/);
  });

  test("the tag follows the source, the Go version, GOARCH and the base, and differs from the Dockerfile build's", async () => {
    const dir = goProject();
    const tag = async (toolchain?: GoToolchain, input: LocalnetConfigInput = host) => (await deploy(input, dir, false, fakeCompiler(toolchain).compiler)).refs.relayMiner;
    const first = await tag();
    assert.equal(await tag(), first, "same source, same toolchain: same tag");
    assert.notEqual(await tag({ version: "go1.27.0", arch: "amd64" }), first);
    assert.notEqual(await tag({ version: "go1.26.8", arch: "arm64" }), first);
    assert.notEqual(await tag(undefined, { ...host, images: { relayMiner: "ghcr.io/pokt-network/pocket-relay-miner:v0.1.2" } }), first);
    assert.notEqual(await tag(undefined, { build: { ...host.build, relayminerBuild: "dockerfile" }, images: host.images }), first);
    write(dir, "relay-miner/main.go", "package main // edited\n");
    assert.notEqual(await tag(), first);
  });

  test("no Go toolchain is a config error naming build.relayminerBuild and the alternative", async () => {
    await assert.rejects(
      async () => deploy(host, goProject(), false, fakeCompiler("no Go toolchain on PATH (ENOENT)").compiler),
      (e: Error) => pulumi.RunError.isInstance(e) && /build\.relayminerBuild = "host": no Go toolchain on PATH \(ENOENT\); allowed: .*"dockerfile"/.test(e.message),
    );
  });

  test("a checkout that is no Go module is a config error naming build.relayminerSource", async () => {
    const dir = project();
    await assert.rejects(
      async () => deploy(host, dir, false, fakeCompiler().compiler),
      (e: Error) => pulumi.RunError.isInstance(e) && /build\.relayminerSource = "relay-miner": .*is no Go module \(expected .*relay-miner\/go\.mod\)/.test(e.message),
    );
  });
});

describe("image refs", () => {
  test("repositoryOf drops the registry host, tag and digest", () => {
    assert.equal(images.repositoryOf("ghcr.io/pokt-network/pocket-relay-miner:v0.1.2"), "pokt-network/pocket-relay-miner");
    assert.equal(images.repositoryOf("localhost:5001/a/b:1@sha256:" + "1".repeat(64)), "a/b");
    assert.equal(images.repositoryOf("relayminer-localnet/backend:dev"), "relayminer-localnet/backend");
    assert.equal(images.repositoryOf("busybox"), "busybox");
  });
});
