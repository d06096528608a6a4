/** Dashboard uids: stable, so stack outputs, the README and cross-links can point at /d/<uid>. */
export const dashboardUids = {
  overview: "localnet-overview",
  relayer: "localnet-relayer",
  miner: "localnet-miner",
  redis: "localnet-redis",
  backend: "localnet-backend",
  path: "localnet-path",
} as const;

export type DashboardKey = keyof typeof dashboardUids;

/** Links to the other dashboards, shown at the top of each one. */
export const crossLinks = [
  { title: "Overview", url: `/d/${dashboardUids.overview}` },
  { title: "Relayers", url: `/d/${dashboardUids.relayer}` },
  { title: "Miners", url: `/d/${dashboardUids.miner}` },
  { title: "Redis", url: `/d/${dashboardUids.redis}` },
  { title: "Backend", url: `/d/${dashboardUids.backend}` },
  { title: "Relay path", url: `/d/${dashboardUids.path}` },
];
