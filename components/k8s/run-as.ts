/**
 * The user each public image's processes run as, stated in every pod spec instead of inherited
 * from the image: a Secret mounted into a pod is readable only by the user and group the pod says,
 * and the default mount leaves key files readable by root alone (a relay-miner running as 1000
 * then cannot read its keys). Pods set runAsUser/runAsGroup to these ids and fsGroup to the group,
 * and mount Secrets group-readable (secretFileMode), so the keys are readable by exactly the
 * image's user. The test images follow the same table (tools/images/contract.ts; a test checks
 * the two agree).
 */
import type * as k8s from "@pulumi/kubernetes";

export interface ImageUser {
  uid: number;
  gid: number;
}

export const imageUsers = {
  /** ghcr.io/pokt-network/pocketd: user `pocket`. */
  pocketd: { uid: 1025, gid: 1025 },
  /** ghcr.io/pokt-network/pocket-relay-miner: user `pocket`. */
  relayMiner: { uid: 1000, gid: 1000 },
  /** redis: the `redis` user its entrypoint steps down to (the localnet runs redis-server directly). */
  redis: { uid: 999, gid: 1000 },
  /** oliver006/redis_exporter: `USER 59000:59000`. */
  redisExporter: { uid: 59000, gid: 59000 },
  /** redis-commander: `USER 10000` (no group of its own). */
  redisCommander: { uid: 10000, gid: 0 },
  /** prom/prometheus: `nobody`. */
  prometheus: { uid: 65534, gid: 65534 },
  /** grafana/grafana: uid 472, group root (its files are group-writable by 0). */
  grafana: { uid: 472, gid: 0 },
  /** services/backend (node:20's `node` user). */
  backend: { uid: 1000, gid: 1000 },
  /** services/chain-exporter (node:20's `node` user, as the backend). */
  chainExporter: { uid: 1000, gid: 1000 },
  /** grafana/loki: `USER 10001`. */
  loki: { uid: 10001, gid: 10001 },
} as const satisfies Record<string, ImageUser>;

export type ImageUserKey = keyof typeof imageUsers;

/** The pod securityContext of pods whose containers run as `user` (fsGroup: mounted Secrets and volumes get its group). */
export function podSecurityContext(key: ImageUserKey): k8s.types.input.core.v1.PodSecurityContext {
  const u: ImageUser = imageUsers[key];
  return { runAsUser: u.uid, runAsGroup: u.gid, fsGroup: u.gid, ...(u.uid !== 0 ? { runAsNonRoot: true } : {}) };
}

/** Mode of mounted Secret files: owner and group (fsGroup) may read, nobody else. */
export const secretFileMode = 0o440;
