/**
 * The program under Pulumi's mocks with a rollout waiter on a hand-driven watch, for the tests
 * of how `pulumi up` waits for the pods. One program per test file: Pulumi's mocks are global, and
 * a second program's mocks would reject the first one's late calls.
 */
import { localnetSchema } from "../../components/config/schema";
import { RolloutWaiter } from "../../components/k8s/rollout-wait";
import type { FakeSource } from "./fake-object-source";
import { projectDir, setRecordingMocks, setStackConfig, type Registered } from "./mock-program";
import { parseStackConfig } from "../../components/config/load";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const defaultImages = localnetSchema.parse({}).images;

/** The program under mocks with a waiter, not awaited (its waits hold parts back): what it has registered so far. */
export async function startProgram(waiter: RolloutWaiter): Promise<Registered[]> {
  const resources: Registered[] = [];
  await setRecordingMocks(resources);
  const raw = setStackConfig({});
  const { RelayMinerLocalnet } = await import("../../components/localnet");
  new RelayMinerLocalnet("localnet", { ...parseStackConfig(raw, { projectDir }), projectDir, rolloutWaiter: waiter });
  await sleep(300);
  return resources;
}

export function fakeWaiter(source: FakeSource) {
  const keys = new Map(Object.entries(defaultImages).map(([key, ref]) => [ref, `images.${key}`]));
  return new RolloutWaiter({ source: () => source, imageKeys: keys, tickMs: 10 });
}
