/**
 * Admin API on its own port (8546), so relay traffic can never reach it by accident and tests can
 * change behaviour at runtime without a restart. Every write is validated with the same zod
 * schemas as the config file; a bad body gets 400 with the field-by-field message.
 */
import express, { type Express, type Request, type Response } from "express";
import { z } from "zod";
import { AdminBadRequest, adminJsonBody } from "./admin-body";
import { faultRuleSchema, faultRulesSchema, formatZodError, legacySettingsSchema } from "./config";
import type { Control } from "./control";
import { nameRules } from "./faults";
import type { JournalFilter } from "./journal";

class BadRequest extends AdminBadRequest {
  constructor(message: string) {
    super(400, message);
  }
}

/** `expected` describes the body for the "nothing was sent" case, e.g. `{"seed": <integer>}`. */
function validate<T>(schema: z.ZodType<T>, body: unknown, what: string, expected: string): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  if (body === undefined) throw new BadRequest(`invalid ${what}: no JSON body; send ${expected} with Content-Type: application/json`);
  throw new BadRequest(`invalid ${what}:\n${formatZodError(r.error, body)}`);
}

/** An integer in [min, max] whose error names the range. */
const intIn = (min: number, max: number) => {
  const error = `must be an integer from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

const MAX_QUERY_INT = 1_000_000_000;
const intParam = (v: unknown, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = typeof v === "string" && /^[0-9]{1,10}$/.test(v) ? Number(v) : NaN;
  if (!(n <= MAX_QUERY_INT)) throw new BadRequest(`${name} must be a decimal integer from 0 to ${MAX_QUERY_INT} (got ${JSON.stringify(v).slice(0, 80)})`);
  return n;
};

function journalFilter(q: Request["query"]): JournalFilter {
  const str = (k: string) => (typeof q[k] === "string" ? q[k] : undefined);
  return {
    protocol: str("protocol"),
    method: str("method"),
    path: str("path"),
    service: str("service"),
    supplier: str("supplier"),
    application: str("application"),
    fault: str("fault"),
    since: intParam(q.since, "since"),
    limit: intParam(q.limit, "limit"),
  };
}

const settingsPatch = legacySettingsSchema.partial();
const MAX_ADVANCE = 1_000_000;
// Heights stay exact JavaScript integers; going back is PUT /chain/height.
const advanceBody = z.strictObject({ blocks: intIn(1, MAX_ADVANCE).default(1) });
const heightBody = z.strictObject({ height: intIn(0, Number.MAX_SAFE_INTEGER - MAX_ADVANCE) });
const seedBody = z.strictObject({ seed: intIn(0, 2 ** 32 - 1) });

/** Admin bodies are small; the limit keeps one careless PUT from holding megabytes. */
const ADMIN_BODY_BYTES = 1024 * 1024;
const ADMIN_JSON_DEPTH = 32;

export function createAdminApp(control: Control): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(adminJsonBody(ADMIN_BODY_BYTES, ADMIN_JSON_DEPTH));
  app.use((_req, res, next) => {
    res.setHeader("x-backend-id", control.backendId());
    next();
  });
  // Async handlers: errors go to the error middleware below (express 5 forwards rejections).
  const h = (fn: (req: Request, res: Response) => unknown) => fn;

  app.get("/health", (_req, res) => void res.json({ status: "ok" }));
  app.get("/state", (_req, res) => {
    res.json({ backend_id: control.backendId(), seed: control.seed(), settings: control.settings(), rules: control.rules(), chain: control.chain() });
  });

  app.get("/rules", (_req, res) => void res.json(control.rules()));
  app.put(
    "/rules",
    h(async (req, res) => {
      const rules = validate(faultRulesSchema, req.body, "rules", "a JSON array of fault rules");
      nameRulesOrThrow(rules);
      await control.apply({ op: "rules", rules });
      res.json(control.rules());
    }),
  );
  app.post(
    "/rules",
    h(async (req, res) => {
      const rule = validate(faultRuleSchema, req.body, "rule", "one fault rule as a JSON object");
      const rules = [...control.rules(), rule];
      nameRulesOrThrow(rules);
      await control.apply({ op: "rules", rules });
      res.status(201).json(control.rules().at(-1));
    }),
  );
  app.delete(
    "/rules",
    h(async (_req, res) => {
      await control.apply({ op: "rules", rules: [] });
      res.status(204).end();
    }),
  );
  app.delete(
    "/rules/:name",
    h(async (req, res) => {
      const rules = control.rules();
      const kept = rules.filter((r) => r.name !== req.params.name);
      if (kept.length === rules.length) return void res.status(404).json({ error: `no rule named ${JSON.stringify(req.params.name)}` });
      await control.apply({ op: "rules", rules: kept });
      res.status(204).end();
    }),
  );
  app.post(
    "/sequences/reset",
    h(async (_req, res) => {
      await control.apply({ op: "sequences-reset" });
      res.status(204).end();
    }),
  );

  app.get("/settings", (_req, res) => void res.json(control.settings()));
  app.patch(
    "/settings",
    h(async (req, res) => {
      const patch = validate(settingsPatch, req.body ?? {}, "settings", "a JSON object of settings");
      await control.apply({ op: "settings", settings: { ...control.settings(), ...patch } });
      res.json(control.settings());
    }),
  );
  app.post(
    "/seed",
    h(async (req, res) => {
      const { seed } = validate(seedBody, req.body, "seed", '{"seed": <integer>}');
      await control.apply({ op: "seed", seed });
      res.json({ seed });
    }),
  );

  app.get("/chain", (_req, res) => void res.json(control.chain()));
  app.post(
    "/chain/advance",
    h(async (req, res) => {
      const { blocks } = validate(advanceBody, req.body ?? {}, "advance request", '{"blocks": <integer>}');
      res.json({ ...control.chain(), height: await control.moveChain(blocks) });
    }),
  );
  app.put(
    "/chain/height",
    h(async (req, res) => {
      const { height } = validate(heightBody, req.body, "height request", '{"height": <integer>}');
      res.json({ ...control.chain(), height: await control.moveChain(height, true) });
    }),
  );

  app.get(
    "/journal",
    h(async (req, res) => {
      res.json(await control.journal(journalFilter(req.query)));
    }),
  );
  app.get(
    "/journal/count",
    h(async (req, res) => {
      const f = journalFilter(req.query);
      res.json({ count: (await control.journal({ ...f, limit: undefined })).length });
    }),
  );
  app.delete(
    "/journal",
    h(async (_req, res) => {
      await control.apply({ op: "journal-reset" });
      res.status(204).end();
    }),
  );

  app.use((_req, res) => void res.status(404).json({ error: "not found; see services/backend/README.md for the admin API" }));
  app.use((err: Error & { status?: number }, _req: Request, res: Response, _next: express.NextFunction) => {
    if (err instanceof AdminBadRequest) return void res.status(err.status).json({ error: err.message });
    res.status(err.status ?? 500).json({ error: err.message });
  });
  return app;
}

function nameRulesOrThrow(rules: Parameters<typeof nameRules>[0]): void {
  try {
    nameRules(rules);
  } catch (e) {
    throw new BadRequest((e as Error).message);
  }
}
