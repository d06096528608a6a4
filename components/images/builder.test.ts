import { test } from "node:test";
import assert from "node:assert/strict";
import { contextBuilder } from "./builder";

const files = (content: Record<string, string>) => (p: string) => {
  if (!(p in content)) throw new Error(`ENOENT ${p}`);
  return content[p];
};

test("DOCKER_HOST means the default context's builder, whatever config.json says", () => {
  assert.equal(contextBuilder({ DOCKER_HOST: "unix:///x.sock", DOCKER_CONFIG: "/c" }, files({ "/c/config.json": '{"currentContext":"desktop-linux"}' })), "default");
});

test("DOCKER_CONTEXT, else config.json's currentContext, else default", () => {
  assert.equal(contextBuilder({ DOCKER_CONTEXT: "colima", DOCKER_CONFIG: "/c" }, files({ "/c/config.json": '{"currentContext":"desktop-linux"}' })), "colima");
  assert.equal(contextBuilder({ DOCKER_CONFIG: "/c" }, files({ "/c/config.json": '{"currentContext":"desktop-linux"}' })), "desktop-linux");
  assert.equal(contextBuilder({ DOCKER_CONFIG: "/c" }, files({ "/c/config.json": '{"auths":{}}' })), "default");
  assert.equal(contextBuilder({ DOCKER_CONFIG: "/c" }, files({})), "default", "no config file");
  assert.equal(contextBuilder({ DOCKER_CONFIG: "/c" }, files({ "/c/config.json": "not json" })), "default");
});
