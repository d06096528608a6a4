/**
 * Configuration files of the real node's parts, as pure functions of its directories and ports:
 * containerd (CRI), the kubelet, CoreDNS, and the kube-dns Service that points the pods at it.
 */
import { NODE_NETWORK } from "./network";

export interface NodeLayout {
  runDir: string;
  containerdRoot: string;
  containerdState: string;
  containerdSocket: string;
  cniConfDir: string;
  registryHostsDir: string;
  kubeletRoot: string;
  podLogsDir: string;
  resolvConf: string;
  cgroupRoot: string;
  sandboxImage: string;
}

/**
 * containerd 1.6 with its CRI plugin. restrict_oom_score_adj: the machine lacks CAP_SYS_RESOURCE,
 * and runc fails every sandbox when asked to lower an OOM score. cgroupfs (no systemd). Network
 * namespaces under the state dir, so teardown finds them with everything else.
 */
export function containerdConfig(l: NodeLayout): string {
  return `version = 2
root = "${l.containerdRoot}"
state = "${l.containerdState}"
oom_score = 0

[grpc]
  address = "${l.containerdSocket}"

[debug]
  level = "warn"

[metrics]
  address = ""

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${l.sandboxImage}"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  disable_apparmor = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_unprivileged_ports = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${l.containerdState}/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${l.cniConfDir}"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "${l.registryHostsDir}"
`;
}

/**
 * Registries the images could name, each sent to a closed loopback port: nothing may be pulled
 * from the network (the test images are imported, and pods use imagePullPolicy: Never).
 */
export const BLOCKED_REGISTRIES = ["docker.io", "registry.k8s.io", "ghcr.io", "quay.io", "rml.local"] as const;
export function blockedRegistryHosts(closedPort: number): string {
  return `server = "http://127.0.0.1:${closedPort}"\n\n[host."http://127.0.0.1:${closedPort}"]\n  capabilities = ["pull", "resolve"]\n`;
}

export interface KubeletPorts {
  port: number;
  healthzPort: number;
}

/** KubeletConfiguration: anonymous, AlwaysAllow (test only), cgroupfs on cgroup v1, cluster DNS only. */
export function kubeletConfig(l: NodeLayout, p: KubeletPorts): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${NODE_NETWORK.nodeIp}
port: ${p.port}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: ${p.healthzPort}
authentication:
  anonymous:
    enabled: true
  webhook:
    enabled: false
authorization:
  mode: AlwaysAllow
cgroupDriver: cgroupfs
cgroupRoot: /${l.cgroupRoot}
cgroupsPerQOS: true
enforceNodeAllocatable: ["pods"]
failCgroupV1: false
failSwapOn: false
oomScoreAdj: 0
clusterDNS: ["${NODE_NETWORK.dnsServiceIp}"]
clusterDomain: cluster.local
resolvConf: ${l.resolvConf}
containerRuntimeEndpoint: unix://${l.containerdSocket}
imageServiceEndpoint: unix://${l.containerdSocket}
podLogsDir: ${l.podLogsDir}
staticPodPath: ""
serializeImagePulls: false
makeIPTablesUtilChains: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: "100Mi"
  nodefs.available: "1%"
  nodefs.inodesFree: "1%"
  imagefs.available: "1%"
evictionPressureTransitionPeriod: 5s
rotateCertificates: false
serverTLSBootstrap: false
nodeStatusUpdateFrequency: 5s
syncFrequency: 10s
shutdownGracePeriod: 0s
maxPods: 110
`;
}

/** The pods' resolv.conf names only the cluster DNS (never this machine's resolver). */
export function podResolvConf(): string {
  return `nameserver ${NODE_NETWORK.dnsServiceIp}\n`;
}

/**
 * CoreDNS on the host, bound to the bridge address: the cluster zones from the API server, and
 * no `forward` plugin, so any other name gets an error instead of reaching a resolver.
 */
export function corefile(p: { dnsPort: number; healthPort: number; readyPort: number; kubeconfig: string; context: string }): string {
  return `.:${p.dnsPort} {
    bind ${NODE_NETWORK.nodeIp}
    errors
    health 127.0.0.1:${p.healthPort}
    ready 127.0.0.1:${p.readyPort}
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig ${p.kubeconfig} ${p.context}
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 5
    }
    cache 5
}
`;
}

/** kube-system/kube-dns: a selectorless Service at the clusterDNS address, and its endpoints (CoreDNS on the host). */
export function kubeDnsObjects(dnsPort: number): { service: object; endpointSlice: object } {
  const ports = [
    { name: "dns", protocol: "UDP" },
    { name: "dns-tcp", protocol: "TCP" },
  ];
  return {
    service: {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kube-dns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
      spec: {
        clusterIP: NODE_NETWORK.dnsServiceIp,
        ports: ports.map((p) => ({ ...p, port: 53, targetPort: dnsPort })),
      },
    },
    endpointSlice: {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        name: "kube-dns-host",
        namespace: "kube-system",
        labels: { "kubernetes.io/service-name": "kube-dns", "endpointslice.kubernetes.io/managed-by": "relayminer-localnet-tests" },
      },
      addressType: "IPv4",
      endpoints: [{ addresses: [NODE_NETWORK.nodeIp], conditions: { ready: true } }],
      ports: ports.map((p) => ({ ...p, port: dnsPort })),
    },
  };
}

/** kube-proxy flags: iptables mode, leave the machine's conntrack sysctls alone, nothing on loopback. */
export function kubeProxyArgs(p: { kubeconfig: string; nodeName: string; healthzPort: number; metricsPort: number }): string[] {
  return [
    `--kubeconfig=${p.kubeconfig}`,
    "--proxy-mode=iptables",
    `--hostname-override=${p.nodeName}`,
    `--cluster-cidr=${NODE_NETWORK.podCidr}`,
    `--nodeport-addresses=${NODE_NETWORK.nodeIp}/32`,
    "--iptables-localhost-nodeports=false",
    "--conntrack-max-per-core=0",
    "--conntrack-tcp-timeout-established=0",
    "--conntrack-tcp-timeout-close-wait=0",
    `--healthz-bind-address=127.0.0.1:${p.healthzPort}`,
    `--metrics-bind-address=127.0.0.1:${p.metricsPort}`,
    "--v=1",
  ];
}
