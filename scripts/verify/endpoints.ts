/** The 127.0.0.1 addresses verify talks to, picked out of the forward plan by port name. */
import type { ForwardSpec } from "../../components/topology/forwards";

export interface VerifyEndpoints {
  rpc: string;
  rest: string;
  /** host:port, for the relay client's --node. */
  grpc: string;
  relayerMetrics: string[];
  /** Relayer 0's relay port, for --send. */
  relayerRelay?: string;
}

export class EndpointError extends Error {
  override name = "EndpointError";
}

const baseName = (name: string) => name.replace(/\[\d+\]$/, "");

export function endpointsOf(forwards: readonly ForwardSpec[]): VerifyEndpoints {
  const named = (name: string) => forwards.filter((f) => baseName(f.name) === name).sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  const one = (name: string) => {
    const f = named(name)[0];
    if (!f) throw new EndpointError(`the forward plan has no ${name}; verify needs validatorRpc, validatorRest, validatorGrpc and relayerMetrics`);
    return f.url;
  };
  const relayerMetrics = named("relayerMetrics").map((f) => f.url);
  if (relayerMetrics.length === 0) throw new EndpointError("the forward plan has no relayerMetrics: is relayer.count 0?");
  return {
    rpc: one("validatorRpc"),
    rest: one("validatorRest"),
    grpc: one("validatorGrpc").replace(/^grpc:\/\//, ""),
    relayerMetrics,
    relayerRelay: named("relayerRelay")[0]?.url,
  };
}
