/**
 * Writes the key shapes the relay-miner writes: a leader lock, miner
 * registrations and heartbeats, supplier leases, relay streams with the ha-miners group and
 * pending entries, session metadata with index and state sets, plus unrelated ha:* keys a
 * status reader must not confuse with them. Returns what a correct reader should report.
 */
import type { Cluster, Redis } from "ioredis";
import type { RelayMinerRedisKeys } from "../../components/topology/names";
import { keys as standaloneKeys } from "../../scripts/status/keys";

/** As the relay-miner names them: `<hostname>-<pid>` in the lock, `miner-<hostname>-<pid>` elsewhere. */
export const fixture = {
  leader: "miner-0-17",
  miners: ["miner-miner-0-17", "miner-miner-1-17"],
  /** Registered in the active set but its heartbeat expired. */
  staleMiner: "miner-miner-9-3",
  leases: { pokt1supplieraaa: "miner-miner-0-17", pokt1supplierbbb: "miner-miner-1-17", pokt1supplierccc: "miner-miner-0-17" } as Record<string, string>,
  streams: { pokt1supplieraaa: { length: 5, pending: 3 }, pokt1supplierbbb: { length: 2, pending: null } } as Record<string, { length: number; pending: number | null }>,
  sessions: {
    pokt1supplieraaa: { active: ["s3"], claimed: ["s1", "s2"] },
    pokt1supplierccc: { proving: ["s9"] },
  } as Record<string, Record<string, string[]>>,
  heartbeatAgeMs: 2000,
};

export async function writeRelayMinerState(r: Redis | Cluster, now = Date.now(), keys: RelayMinerRedisKeys = standaloneKeys): Promise<void> {
  await r.set(keys.leaderLock, fixture.leader, "EX", 30);
  await r.sadd(keys.activeSet, ...fixture.miners, fixture.staleMiner);
  for (const id of fixture.miners) {
    // Unix nanoseconds, as the miner writes them.
    const nanos = BigInt(now - fixture.heartbeatAgeMs) * 1_000_000n;
    await r.set(keys.instance(id), nanos.toString(), "EX", 90);
  }
  for (const [supplier, owner] of Object.entries(fixture.leases)) await r.set(keys.supplierLease(supplier), owner, "EX", 90);

  for (const [supplier, s] of Object.entries(fixture.streams)) {
    const stream = keys.relayStream(supplier);
    for (let i = 0; i < s.length; i++) await r.xadd(stream, "*", "data", Buffer.from([0x0a, 0x20, i]));
    if (s.pending !== null) {
      await r.xgroup("CREATE", stream, keys.relayConsumerGroup, "0", "MKSTREAM");
      await r.xreadgroup("GROUP", keys.relayConsumerGroup, fixture.miners[0], "COUNT", s.pending, "STREAMS", stream, ">");
    }
  }

  for (const [supplier, states] of Object.entries(fixture.sessions)) {
    for (const [state, ids] of Object.entries(states)) {
      for (const id of ids) {
        await r.set(keys.session(supplier, id), JSON.stringify({ session_id: id, supplier_operator_address: supplier, state }));
        await r.sadd(keys.sessionIndex(supplier), id);
        await r.sadd(keys.sessionState(supplier, state), id);
      }
    }
  }

  // Neighbours with similar prefixes that are not what status reports.
  await r.set("ha:supplier:pokt1supplieraaa", JSON.stringify({ status: "staked" }));
  await r.set("ha:cache:application:pokt1app", "x");
  await r.sadd("ha:miner:dedup:session:s1", "h1");
  await r.hset("ha:smst:pokt1supplieraaa:s1:nodes", "k", "v");
}
