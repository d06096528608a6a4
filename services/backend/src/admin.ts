/**
 * Admin API on its own port (8546), so relay traffic can never reach it by accident and tests can
 * change behaviour at runtime without a restart. Every write is validated with the same zod
 * schemas as the config file; a bad body gets 400 with the field-by-field message.
 */
import express, { type Express, type Request, type Response } from "express";
import { z } from "zod";
import { faultRuleSchema, faultRulesSchema, formatZodError, legacySettingsSchema } from "./config";
import type { Control } from "./control";
import { nameRules } from "./faults";
import type { JournalFilter } from "./journal";

class BadRequest extends Error {}

function validate<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new BadRequest(`invalid ${what}:\n${formatZodError(r.error, body)}`);
  return r.data;
}

const intParam = (v: unknown, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new BadRequest(`${name} must be a non-negative integer (got ${JSON.stringify(v)})`);
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
const advanceBody = z.strictObject({ blocks: z.number().int().min(-1_000_000).max(1_000_000).default(1) });
const heightBody = z.strictObject({ height: z.number().int().min(0) });
const seedBody = z.strictObject({
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
});

export function createAdminApp(control: Control): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "1mb" }));
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
      const rules = validate(faultRulesSchema, req.body, "rules");
      nameRulesOrThrow(rules);
      await control.apply({ op: "rules", rules });
      res.json(control.rules());
    }),
  );
  app.post(
    "/rules",
    h(async (req, res) => {
      const rule = validate(faultRuleSchema, req.body, "rule");
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
      const patch = validate(settingsPatch, req.body ?? {}, "settings");
      await control.apply({ op: "settings", settings: { ...control.settings(), ...patch } });
      res.json(control.settings());
    }),
  );
  app.post(
    "/seed",
    h(async (req, res) => {
      const { seed } = validate(seedBody, req.body, "seed");
      await control.apply({ op: "seed", seed });
      res.json({ seed });
    }),
  );

  app.get("/chain", (_req, res) => void res.json(control.chain()));
  app.post(
    "/chain/advance",
    h(async (req, res) => {
      const { blocks } = validate(advanceBody, req.body ?? {}, "advance request");
      res.json({ ...control.chain(), height: await control.moveChain(blocks) });
    }),
  );
  app.put(
    "/chain/height",
    h(async (req, res) => {
      const { height } = validate(heightBody, req.body, "height request");
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
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: express.NextFunction) => {
    if (err instanceof BadRequest) return void res.status(400).json({ error: err.message });
    if (err.type === "entity.parse.failed") return void res.status(400).json({ error: `body is not valid JSON: ${err.message}` });
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
