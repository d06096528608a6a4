/** Address-range arithmetic and the isolation rules of the real node (unit tier). */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cidrRange, cniConflist, isolationRules, NODE_NETWORK, overlaps } from "./network";

describe("node network", () => {
  test("cidrRange and overlaps", () => {
    assert.deepEqual(cidrRange("10.213.0.0/16"), [0x0ad50000, 0x0ad5ffff]);
    assert.equal(overlaps("10.213.0.0/16", "10.213.7.9/32"), true);
    assert.equal(overlaps("10.213.0.0/16", "10.0.0.0/8"), true);
    assert.equal(overlaps("10.213.0.0/16", "10.214.0.0/16"), false);
    assert.equal(overlaps("10.213.0.0/16", "192.0.2.0/24"), false);
  });

  test("the pod range, Service range and DNS address fit together", () => {
    assert.equal(overlaps(NODE_NETWORK.podCidr, NODE_NETWORK.serviceCidr), false);
    assert.equal(overlaps(NODE_NETWORK.podCidr, `${NODE_NETWORK.nodeIp}/32`), true);
    assert.equal(overlaps(NODE_NETWORK.serviceCidr, `${NODE_NETWORK.dnsServiceIp}/32`), true);
  });

  test("pods are not masqueraded and get no default route", () => {
    const bridge = JSON.parse(cniConflist("/tmp/x")).plugins[0];
    assert.equal(bridge.ipMasq, false);
    assert.equal(bridge.isDefaultGateway, false);
    assert.deepEqual(bridge.ipam.routes, [{ dst: NODE_NETWORK.serviceCidr }]);
  });

  test("only bridge-to-bridge traffic is forwarded; pods reach the host on the DNS port only", () => {
    const v4 = isolationRules(5353, 4);
    assert.match(v4, /-A RML-NODE-FWD -i rmlpods0 -o rmlpods0 -j ACCEPT\n-A RML-NODE-FWD -i rmlpods0 -j DROP\n-A RML-NODE-FWD -o rmlpods0 -j DROP/);
    assert.match(v4, /--dport 5353 -j ACCEPT[\s\S]*-A RML-NODE-IN -j DROP/);
    assert.match(isolationRules(5353, 6), /-I INPUT 1 -i rmlpods0 -j DROP/);
  });
});
