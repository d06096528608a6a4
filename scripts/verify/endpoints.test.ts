import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { forwardSpecs } from "../../components/topology/forwards";
import { forwardsOf } from "../../components/config/forwards";
import { localnetSchema } from "../../components/config/schema";
import { settleRelayMiner } from "../../components/config/relay-miner-version";
import { EndpointError, endpointsOf } from "./endpoints";

describe("verify's endpoints from the stack's forward plan", () => {
  test("the default stack: RPC, REST, gRPC host:port, every relayer's metrics in replica order, relayer 0's relay port", () => {
    const config = settleRelayMiner(localnetSchema.parse({ relayer: { count: 3 } })).config;
    const e = endpointsOf(forwardSpecs(config.namespace, forwardsOf(config)));
    assert.deepEqual(e, {
      rpc: "http://127.0.0.1:26657",
      rest: "http://127.0.0.1:1317",
      grpc: "127.0.0.1:9090",
      relayerMetrics: ["http://127.0.0.1:9190", "http://127.0.0.1:9191", "http://127.0.0.1:9192"],
      relayerRelay: "http://127.0.0.1:8180",
    });
  });

  test("no relayers: a clear error", () => {
    const config = settleRelayMiner(localnetSchema.parse({ relayer: { count: 0 } })).config;
    assert.throws(
      () => endpointsOf(forwardSpecs(config.namespace, forwardsOf(config))),
      (e: Error) => e instanceof EndpointError && /no relayerMetrics: is relayer.count 0/.test(e.message),
    );
  });
});
