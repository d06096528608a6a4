#!/usr/bin/env python3
"""Evaluates the repo's Tiltfile as Starlark with recorders for Tilt's built-ins, in several
scenarios (fresh checkout, deployed stack, relay-miner checkout configured, another stack,
`tilt down`), and checks the resources, commands, deps and links it declares.

Prints one JSON document: {"passed": n, "failed": n, "scenarios": [{name, ok, failures, record}]}.
Exit 0 when every check passes, 1 when one fails, 2 when the Tiltfile cannot be evaluated at all.
Needs the `starlark` module from scripts/tiltfile-check/requirements.txt.
"""
import json
import os
import sys

try:
    import starlark as sl
except ImportError:
    print("tiltfile-check: the Python module 'starlark' is missing; run it with the venv that "
          "`npm run test:setup` makes (node --import tsx tools/programs/setup.ts path starlark-python)",
          file=sys.stderr)
    sys.exit(2)

sys.dont_write_bytecode = True  # keep __pycache__ out of the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tilt_builtins import Recorder, TiltfileError, ignored  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PRELUDE = "os = struct(getenv = _getenv)\nconfig = struct(tilt_subcommand = _subcommand)\n"


def evaluate(tiltfile_text, scenario):
    rec = Recorder(scenario)
    module = sl.Module()
    for name in ("local", "local_resource", "read_json", "link", "fail"):
        module.add_callable(name, getattr(rec, name))
    module.add_callable("_getenv", rec.getenv)
    module["_subcommand"] = rec.subcommand
    module["TRIGGER_MODE_AUTO"] = "auto"
    module["TRIGGER_MODE_MANUAL"] = "manual"
    # Tilt's dialect: top-level if/for allowed; struct for the os/config namespaces.
    dialect = sl.Dialect.extended()
    globals_ = sl.Globals.extended_by([sl.LibraryExtension.StructType])
    sl.eval(module, sl.parse("prelude", PRELUDE, dialect), globals_)
    sl.eval(module, sl.parse("Tiltfile", tiltfile_text, dialect), globals_)
    return rec


class Checks:
    def __init__(self):
        self.failures = []

    def eq(self, what, got, want):
        if got != want:
            self.failures.append("%s: got %s, want %s" % (what, json.dumps(got), json.dumps(want)))

    def true(self, what, cond):
        if not cond:
            self.failures.append(what)


CONFIG_GET = "pulumi config get*build.relayminerSource*"
CONFIG_REDIS_MODE = "pulumi config get*redis.mode*"
CHAOS = ["kill-leader", "kill-miner", "kill-relayer", "pause-redis 10", "restart-validator"]
# The shape of the stack output `urls`: strings, and lists for per-replica URLs.
URLS = {"grafana": "http://127.0.0.1:3000", "redis": "redis://127.0.0.1:6379", "relayers": ["http://127.0.0.1:8180", "http://127.0.0.1:8181"]}
URL_LINKS = [
    {"url": "http://127.0.0.1:3000", "name": "grafana"},
    {"url": "redis://127.0.0.1:6379", "name": "redis"},
    {"url": "http://127.0.0.1:8180", "name": "relayers[0]"},
    {"url": "http://127.0.0.1:8181", "name": "relayers[1]"},
]
SOURCE_DEPS = ["index.ts", "Pulumi.yaml", "components", "services", "genesis", "dashboards"]


def by_name(rec):
    return {r["name"]: r for r in rec.resources}


def check_buttons(c, rec, stack, chaos):
    res = by_name(rec)
    c.eq("manual resources", sorted(n for n in res if n not in ("localnet", "port-forwards")), sorted(["chaos " + a for a in chaos] + ["verify"]))
    for action in chaos:
        r = res.get("chaos " + action, {})
        c.eq("chaos %s cmd" % action, r.get("cmd"), "npm run chaos -- %s --stack %s" % (action, stack))
    v = res.get("verify", {})
    c.eq("verify cmd", v.get("cmd"), "npm run verify -- --stack %s" % stack)
    for name in ["chaos " + a for a in chaos] + ["verify"]:
        r = res.get(name, {})
        c.eq("%s is a button (manual, not run at start)" % name, [r.get("trigger_mode"), r.get("auto_init")], ["manual", False])
        c.eq("%s waits for the port-forwards" % name, r.get("resource_deps"), ["port-forwards"])


def check_common(c, rec, stack, chaos=CHAOS):
    res = by_name(rec)
    check_buttons(c, rec, stack, chaos)
    up = res.get("localnet", {})
    steps = up.get("cmd", "").split(" && ")
    c.eq("first step of localnet", steps[0] if steps else None, "pulumi up --stack %s --yes --skip-preview" % stack)
    c.true("localnet saves outputs forwards and urls of stack %s: %s" % (stack, steps),
           any("pulumi stack output forwards --json --stack %s" % stack in s for s in steps)
           and any("pulumi stack output urls --json --stack %s" % stack in s for s in steps))
    for dep in SOURCE_DEPS + ["Pulumi.%s.yaml" % stack]:
        c.true("localnet deps include %s: %s" % (dep, up.get("deps")), dep in up.get("deps", []))
    c.true("node_modules edits do not re-run pulumi up", ignored(up.get("ignore", []), "services/backend/node_modules/x/index.js"))
    c.true("test edits do not re-run pulumi up", ignored(up.get("ignore", []), "components/images/images.test.ts"))
    c.true("source edits re-run pulumi up", not ignored(up.get("ignore", []), "components/images/images.ts"))
    c.true("pod script edits re-run pulumi up", not ignored(up.get("ignore", []), "components/redis/cluster-create.sh"))
    c.eq("localnet env PULUMI_NODEJS_TRANSPILE_ONLY", up.get("env", {}).get("PULUMI_NODEJS_TRANSPILE_ONLY"), "true")

    fw = res.get("port-forwards", {})
    c.eq("port-forwards serve_cmd", fw.get("serve_cmd"), "npm run forward -- --file .cache/tilt/forwards.json")
    c.eq("port-forwards cmd", fw.get("cmd"), "")
    c.eq("port-forwards resource_deps", fw.get("resource_deps"), ["localnet"])
    c.eq("port-forwards restart when the forwards change", fw.get("deps"), [".cache/tilt/forwards.json"])
    c.true("the URLs file is read (so Tilt reloads when it changes)", ".cache/tilt/urls.json" in rec.read_files)
    for call in rec.local_calls:
        c.true("load-time command targets stack %s: %s" % (stack, call["command"]), "--stack %s" % stack in call["command"])
        c.true("load-time command is not `pulumi up`: %s" % call["command"], "pulumi up" not in call["command"])


def scenario_fresh(c, rec):
    check_common(c, rec, "local")
    res = by_name(rec)
    c.eq("links before the first up", res["port-forwards"]["links"], [])
    c.eq("deps without a relay-miner checkout", len(res["localnet"]["deps"]), len(SOURCE_DEPS) + 1)
    c.true("no destroy on `tilt up`", not any("destroy" in x["command"] for x in rec.local_calls))


def scenario_deployed(c, rec):
    check_common(c, rec, "local")
    res = by_name(rec)
    c.eq("links from the stack output urls, one per replica", res["port-forwards"]["links"], URL_LINKS)
    c.true("relay-miner checkout from pulumi config is a dep: %s" % res["localnet"]["deps"],
           "../pocket-relay-miner" in res["localnet"]["deps"])


def scenario_env_source(c, rec):
    check_common(c, rec, "local")
    deps = by_name(rec)["localnet"]["deps"]
    c.true("RELAYMINER_SOURCE is a dep: %s" % deps, "/src/relay-miner" in deps)
    c.true("pulumi config's value is not used when the env var is set", "../pocket-relay-miner" not in deps)


def scenario_other_stack(c, rec):
    check_common(c, rec, "dev")


def scenario_cluster(c, rec):
    check_common(c, rec, "local", CHAOS + ["kill-redis-primary"])


def scenario_down(c, rec):
    destroys = [x for x in rec.local_calls if "destroy" in x["command"]]
    c.eq("tilt down runs pulumi destroy once", [x["command"] for x in destroys], ["pulumi destroy --stack local --yes --skip-preview"])
    c.true("destroy shows its output (not quiet)", destroys and not destroys[0]["quiet"])


SCENARIOS = [
    ("fresh checkout, nothing deployed", {}, scenario_fresh),
    ("deployed stack with a relay-miner checkout in pulumi config",
     {"files": {".cache/tilt/urls.json": URLS}, "local": [[CONFIG_GET, "../pocket-relay-miner\n"]]}, scenario_deployed),
    ("RELAYMINER_SOURCE wins over pulumi config",
     {"env": {"RELAYMINER_SOURCE": "/src/relay-miner"}, "local": [[CONFIG_GET, "../pocket-relay-miner\n"]]}, scenario_env_source),
    ("PULUMI_STACK selects another stack", {"env": {"PULUMI_STACK": "dev"}}, scenario_other_stack),
    ("redis.mode=cluster adds kill-redis-primary", {"local": [[CONFIG_REDIS_MODE, "cluster\n"]]}, scenario_cluster),
    ("tilt down", {"subcommand": "down"}, scenario_down),
]


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "Tiltfile")
    with open(path) as f:
        text = f.read()
    results = []
    for name, scenario, check in SCENARIOS:
        c = Checks()
        record = None
        try:
            rec = evaluate(text, scenario)
            record = rec.record()
            check(c, rec)
        except (TiltfileError, sl.StarlarkError) as e:
            c.failures.append("evaluation failed: %s" % e)
        results.append({"name": name, "ok": not c.failures, "failures": c.failures, "record": record})
    passed = sum(1 for r in results if r["ok"])
    print(json.dumps({"tiltfile": os.path.relpath(path, ROOT), "passed": passed, "failed": len(results) - passed,
                      "scenarios": results}, indent=2))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
