/** The chaos actions by name. */
import type { ChaosArgs } from "../args";
import type { ChaosContext } from "../context";
import type { ActionReport } from "./common";
import { killLeader, killMiner } from "./kill-miner";
import { killRedisPrimary } from "./kill-redis-primary";
import { killRelayer } from "./kill-relayer";
import { pauseRedis } from "./pause-redis";
import { restartValidator } from "./restart-validator";

export function runAction(ctx: ChaosContext, a: ChaosArgs): Promise<ActionReport> {
  switch (a.action) {
    case "kill-leader":
      return killLeader(ctx);
    case "kill-miner":
      return killMiner(ctx, a.index);
    case "kill-relayer":
      return killRelayer(ctx, a.index);
    case "pause-redis":
      return pauseRedis(ctx, a.seconds!);
    case "kill-redis-primary":
      return killRedisPrimary(ctx);
    case "restart-validator":
      return restartValidator(ctx);
    case undefined:
      throw new Error("no action");
  }
}

export { ok, type ActionReport } from "./common";
