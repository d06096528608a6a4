/**
 * The admin API's JSON body: read with the size limit, checked for nesting, parsed. A body that is
 * not JSON (wrong Content-Type, bad syntax, too deep, too big) is refused here with a message that
 * says what to send, before any route sees it. `req.body` stays undefined when nothing was sent.
 */
import type { NextFunction, Request, Response } from "express";
import { BodyTooLarge, readBody } from "./http/body";
import { nestingExceeds, tooDeepMessage } from "./json-limits";

export class AdminBadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const hasBody = (req: Request) => Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;

export function adminJsonBody(limitBytes: number, maxDepth: number) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    if (!hasBody(req)) return next();
    const type = req.headers["content-type"] ?? "";
    if (!/^application\/json\b/i.test(type)) {
      req.resume();
      const got = type === "" ? "no Content-Type" : `Content-Type ${JSON.stringify(type.slice(0, 100))}`;
      return next(new AdminBadRequest(415, `the admin API takes JSON: send the body with Content-Type: application/json (got ${got})`));
    }
    let buf: Buffer;
    try {
      buf = await readBody(req, limitBytes);
    } catch (e) {
      if (e instanceof BodyTooLarge) return next(new AdminBadRequest(413, `body exceeds ${limitBytes} bytes`));
      return next(e);
    }
    if (buf.length === 0) return next();
    if (nestingExceeds(buf, maxDepth)) return next(new AdminBadRequest(400, `body refused: ${tooDeepMessage(maxDepth)}`));
    try {
      req.body = JSON.parse(buf.toString("utf8")) as unknown;
    } catch (e) {
      return next(new AdminBadRequest(400, `body is not valid JSON: ${(e as Error).message.slice(0, 200)}`));
    }
    next();
  };
}
