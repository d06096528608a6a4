/**
 * The log programs tools/images builds (and the real logs test runs) are the versions the
 * localnet deploys: a bump of one without the other is caught here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { localnetSchema } from "../../components/config/schema";
import { parseVersionsFile } from "../paths";

test("images.loki and images.logCollector carry the versions of tools/images/versions.env", () => {
  const pins = parseVersionsFile(join(__dirname, "versions.env"));
  const { images } = localnetSchema.parse({});
  assert.equal(images.loki, `grafana/loki:${pins.LOKI_VERSION.replace(/^v/, "")}`);
  assert.equal(images.logCollector, `otel/opentelemetry-collector-k8s:${pins.OTELCOL_VERSION}`);
});
