"""Recorders for the Tilt built-ins the Tiltfile calls.

Each recorder has Tilt's parameter names (from Tilt's API reference), so a misspelled keyword in
the Tiltfile fails here as it would in Tilt. Calls are recorded; `local` and `read_json` answer
from the scenario (canned command output and files), because nothing may run for real.
"""
import fnmatch


class TiltfileError(Exception):
    """The Tiltfile called fail() or did something Tilt would reject."""


class Recorder:
    def __init__(self, scenario):
        self.env = scenario.get("env", {})
        self.subcommand = scenario.get("subcommand", "up")
        self.local_outputs = scenario.get("local", [])  # [[glob, output], ...]; first match wins
        self.files = scenario.get("files", {})
        self.resources = []
        self.local_calls = []
        self.read_files = []

    # --- os ---------------------------------------------------------------------------------
    def getenv(self, key, default=None):
        return self.env.get(key, default)

    # --- running commands at load time ------------------------------------------------------
    def local(self, command, quiet=False, command_bat="", echo_off=False, env=None, dir="", stdin=None):
        if not isinstance(command, (str, list)):
            raise TiltfileError("local(): command must be a string or a list, got %r" % (command,))
        self.local_calls.append({"command": command, "quiet": quiet, "env": env or {}})
        text = command if isinstance(command, str) else " ".join(command)
        for pattern, output in self.local_outputs:
            if fnmatch.fnmatchcase(text, pattern):
                return output
        return ""

    def read_json(self, path, default=None):
        self.read_files.append(path)
        if path in self.files:
            return self.files[path]
        if default is None:
            raise TiltfileError("read_json(%r): file does not exist and no default" % path)
        return default

    def link(self, url, name=""):
        return {"url": url, "name": name}

    def fail(self, msg):
        raise TiltfileError("fail(): %s" % msg)

    # --- resources --------------------------------------------------------------------------
    def local_resource(self, name, cmd="", deps=None, trigger_mode=None, resource_deps=None, ignore=None,
                       auto_init=True, serve_cmd="", cmd_bat="", serve_cmd_bat="", allow_parallel=False,
                       links=None, tags=None, env=None, serve_env=None, readiness_probe=None, dir="",
                       serve_dir="", labels=None):
        if any(r["name"] == name for r in self.resources):
            raise TiltfileError("local_resource %r declared twice" % name)
        if not cmd and not serve_cmd:
            raise TiltfileError("local_resource %r has neither cmd nor serve_cmd" % name)
        known = [r["name"] for r in self.resources]
        for dep in resource_deps or []:
            if dep not in known:
                raise TiltfileError("local_resource %r depends on undeclared resource %r" % (name, dep))
        self.resources.append({
            "name": name, "cmd": cmd, "serve_cmd": serve_cmd, "deps": list(deps or []),
            "ignore": list(ignore or []), "resource_deps": list(resource_deps or []),
            "links": list(links or []), "labels": list(labels or []), "env": dict(env or {}),
            "trigger_mode": trigger_mode or "auto", "auto_init": auto_init,
        })

    def record(self):
        return {"resources": self.resources, "local": self.local_calls, "read_json": self.read_files}


def ignored(patterns, path):
    """Whether a dockerignore-style `ignore=` list matches a path (enough for `**/x` and `x`)."""
    for p in patterns:
        if p.startswith("**/"):
            tail = p[3:]
            parts = path.split("/")
            if any(fnmatch.fnmatchcase("/".join(parts[i:]), tail) or fnmatch.fnmatchcase(parts[i], tail)
                   for i in range(len(parts))):
                return True
        elif fnmatch.fnmatchcase(path, p) or path.startswith(p.rstrip("/") + "/"):
            return True
    return False
