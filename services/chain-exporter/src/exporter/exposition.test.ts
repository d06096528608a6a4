import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Registry } from "./exposition";

describe("exposition format", () => {
  test("HELP and TYPE lines, labels in declared order, series sorted, a trailing newline", () => {
    const r = new Registry();
    const c = r.counter("x_total", "Things.\nTwo lines", ["b", "a"]);
    c.inc({ a: "2", b: "y" }, 3);
    c.inc({ a: "1", b: "z" });
    c.inc({ a: "1", b: "z" }, 0.5);
    r.gauge("g", "A gauge.").set({}, 7);
    assert.equal(
      r.render(),
      ["# HELP x_total Things.\\nTwo lines", "# TYPE x_total counter", 'x_total{b="y",a="2"} 3', 'x_total{b="z",a="1"} 1.5', "# HELP g A gauge.", "# TYPE g gauge", "g 7", ""].join(
        "\n",
      ),
    );
  });

  test("label values escape backslash, quote and newline", () => {
    const r = new Registry();
    r.gauge("g", "h", ["v"]).set({ v: 'a"b\\c\nd' }, 1);
    assert.match(r.render(), /^g\{v="a\\"b\\\\c\\nd"\} 1$/m);
  });

  test("refuses what Prometheus would reject or misread: wrong labels, a falling counter, a name twice", () => {
    const r = new Registry();
    const c = r.counter("c_total", "h", ["a"]);
    assert.throws(() => c.inc({ b: "x" }), /labels \["b"\] do not match its label names \["a"\]/);
    assert.throws(() => c.inc({ a: "x" }, -1), /cannot move by -1/);
    assert.throws(() => r.counter("c_total", "again"), /registered twice/);
    assert.throws(() => r.gauge("bad-name", "h"), /bad metric name/);
  });

  test("a cleared gauge family renders no series", () => {
    const r = new Registry();
    const g = r.gauge("g", "h", ["k"]);
    g.set({ k: "a" }, 1);
    g.clear();
    assert.equal(r.render(), "# HELP g h\n# TYPE g gauge\n");
  });
});
