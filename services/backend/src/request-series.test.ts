import assert from "node:assert/strict";
import { test } from "node:test";
import { AggregatorRegistry } from "prom-client";
import { Metrics } from "./metrics";

test("request series come out in Prometheus text as prom-client's own counter and histogram would", async () => {
  const m = new Metrics();
  m.observe("http", "eth_call", "ok", "none", 0.003);
  m.observe("http", "eth_call", "ok", "none", 0.2);
  m.observe("http", "eth_call", "ok", "none", 42);
  m.observe("grpc", "GetBlock", "injected", "grpc_status");
  const text = await m.registry.metrics();
  assert.match(text, /^# TYPE demo_requests_total counter$/m);
  assert.match(text, /^demo_requests_total\{protocol="http",method="eth_call",outcome="ok",fault="none"\} 3$/m);
  assert.match(text, /^demo_requests_total\{protocol="grpc",method="GetBlock",outcome="injected",fault="grpc_status"\} 1$/m);
  assert.match(text, /^# TYPE demo_request_duration_seconds histogram$/m);
  const bucket = (le: string) =>
    Number(new RegExp(`^demo_request_duration_seconds_bucket\\{le="${le.replace("+", "\\+")}",protocol="http",method="eth_call",outcome="ok"\\} (\\d+)$`, "m").exec(text)?.[1]);
  assert.deepEqual(["0.005", "0.1", "0.25", "10", "+Inf"].map(bucket), [1, 1, 2, 2, 3]);
  assert.match(text, /^demo_request_duration_seconds_sum\{protocol="http",method="eth_call",outcome="ok"\} 42\.203$/m);
  assert.match(text, /^demo_request_duration_seconds_count\{protocol="http",method="eth_call",outcome="ok"\} 3$/m);
  // Not observed with a duration: counted, no histogram series.
  assert.doesNotMatch(text, /duration_seconds_count\{protocol="grpc"/);
});

test("cluster aggregation sums the series of every worker", async () => {
  const [a, b] = [new Metrics(), new Metrics()];
  a.observe("http", "m", "ok", "none", 0.01);
  b.observe("http", "m", "ok", "none", 0.01);
  b.observe("http", "m", "ok", "none", 0.01);
  const merged = AggregatorRegistry.aggregate([await a.registry.getMetricsAsJSON(), await b.registry.getMetricsAsJSON()]);
  const text = await merged.metrics();
  assert.match(text, /^demo_requests_total\{protocol="http",method="m",outcome="ok",fault="none"\} 3$/m);
  assert.match(text, /^demo_request_duration_seconds_count\{protocol="http",method="m",outcome="ok"\} 3$/m);
});

test("method labels are capped: long names and the 201st name count as other", () => {
  const m = new Metrics();
  m.observe("http", "x".repeat(101), "ok", "none");
  for (let i = 0; i < 205; i++) m.observe("http", `m${i}`, "ok", "none");
  return m.registry.metrics().then((text) => {
    assert.match(text, /^demo_requests_total\{protocol="http",method="other",outcome="ok",fault="none"\} 6$/m);
    assert.doesNotMatch(text, /method="x{101}"/);
  });
});

test("a registry reset zeroes the series and later requests still count", async () => {
  const m = new Metrics();
  m.observe("http", "eth_call", "ok", "none", 0.01);
  m.registry.resetMetrics();
  m.observe("http", "eth_call", "ok", "none", 0.01);
  const text = await m.registry.metrics();
  assert.match(text, /^demo_requests_total\{protocol="http",method="eth_call",outcome="ok",fault="none"\} 1$/m);
  assert.match(text, /^demo_request_duration_seconds_count\{protocol="http",method="eth_call",outcome="ok"\} 1$/m);
});

test("a series kept by the caller counts into the same lines as observe, across a reset, under the method cap", async () => {
  const m = new Metrics();
  const kept = m.series("websocket", "ping", "ok", "none");
  m.count(kept, 0.01);
  m.observe("websocket", "ping", "ok", "none", 0.01);
  m.registry.resetMetrics();
  m.count(kept, 0.01);
  m.count(kept);
  for (let i = 0; i < 205; i++) m.observe("websocket", `m${i}`, "ok", "none");
  const capped = m.series("websocket", "late", "ok", "none");
  m.count(capped);
  assert.equal(capped, m.series("websocket", "m204", "ok", "none"));
  const text = await m.registry.metrics();
  assert.match(text, /^demo_requests_total\{protocol="websocket",method="ping",outcome="ok",fault="none"\} 2$/m);
  assert.match(text, /^demo_request_duration_seconds_count\{protocol="websocket",method="ping",outcome="ok"\} 1$/m);
  assert.match(text, /^demo_requests_total\{protocol="websocket",method="other",outcome="ok",fault="none"\} 7$/m);
});
