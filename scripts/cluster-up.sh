#!/usr/bin/env bash
# npm run cluster:up: a kind cluster whose nodes pull from a local registry at localhost:5001.
#
# Images Pulumi builds (build.enabled = true) are pushed to localhost:<port> from the host; the
# nodes reach the same registry as http://<registry container>:5000 over the kind network,
# through a containerd hosts.toml per node. The kube-public/local-registry-hosting ConfigMap
# (KEP-1755) tells tools such as Tilt where the registry is. Safe to run again: every step
# checks what exists first.
#
# Environment: KIND_CLUSTER_NAME (relayminer), KIND_REGISTRY_NAME (kind-registry),
# KIND_REGISTRY_PORT (5001), KIND_REGISTRY_IMAGE (registry:2), KIND_NODE_IMAGE (kind's default).
set -euo pipefail
# shellcheck source=scripts/kind-common.sh
. "$(dirname "$0")/kind-common.sh"

need_docker_engine
need_kind
need kubectl "install kubectl (https://kubernetes.io/docs/tasks/tools/)"

# 1. The registry container, bound to loopback only.
running="$(docker inspect -f '{{.State.Running}}' "$REGISTRY_NAME" 2>/dev/null || true)"
if [ "$running" = "true" ]; then
  say "registry $REGISTRY_NAME already running"
elif [ "$running" = "false" ]; then
  say "starting existing registry $REGISTRY_NAME"
  docker start "$REGISTRY_NAME" >/dev/null
else
  say "creating registry $REGISTRY_NAME on 127.0.0.1:$REGISTRY_PORT"
  docker run -d --restart=always -p "127.0.0.1:${REGISTRY_PORT}:5000" --network bridge \
    --name "$REGISTRY_NAME" "$REGISTRY_IMAGE" >/dev/null
fi

# 2. The cluster. Node images before kind v0.27 need containerd told to read certs.d; newer
# ones do it already (and use containerd 2, where the old plugin key does not apply).
if cluster_exists; then
  say "kind cluster $CLUSTER_NAME already exists"
else
  kind_minor="$(kind version | sed -n 's/^kind v0\.\([0-9][0-9]*\)\..*/\1/p')"
  config="kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4"
  if [ -n "$kind_minor" ] && [ "$kind_minor" -lt 27 ]; then
    config="$config
containerdConfigPatches:
- |-
  [plugins.\"io.containerd.grpc.v1.cri\".registry]
    config_path = \"/etc/containerd/certs.d\""
  fi
  say "creating kind cluster $CLUSTER_NAME"
  node_image=()
  if [ -n "${KIND_NODE_IMAGE:-}" ]; then node_image=(--image "$KIND_NODE_IMAGE"); fi
  printf '%s\n' "$config" | kind create cluster --name "$CLUSTER_NAME" ${node_image[@]+"${node_image[@]}"} --config=-
fi

# 3. Every node resolves localhost:<port> to the registry container.
certs_dir="/etc/containerd/certs.d/localhost:${REGISTRY_PORT}"
for node in $(kind get nodes --name "$CLUSTER_NAME"); do
  docker exec "$node" mkdir -p "$certs_dir"
  printf '[host."http://%s:5000"]\n' "$REGISTRY_NAME" | docker exec -i "$node" cp /dev/stdin "$certs_dir/hosts.toml"
done
say "nodes pull localhost:$REGISTRY_PORT/* from http://$REGISTRY_NAME:5000"

# 4. The registry joins the kind network so the nodes can reach it by name.
if [ "$(docker inspect -f '{{json .NetworkSettings.Networks.kind}}' "$REGISTRY_NAME")" = "null" ]; then
  docker network connect kind "$REGISTRY_NAME"
fi

# 5. Advertise the registry (KEP-1755).
kubectl --context "kind-$CLUSTER_NAME" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-registry-hosting
  namespace: kube-public
data:
  localRegistryHosting.v1: |
    host: "localhost:${REGISTRY_PORT}"
    help: "https://kind.sigs.k8s.io/docs/user/local-registry/"
YAML
say "kube-public/local-registry-hosting points at localhost:$REGISTRY_PORT"

cat <<NEXT

Cluster ready: context kind-$CLUSTER_NAME, registry localhost:$REGISTRY_PORT.
Next:
  pulumi config set --stack local kube.context kind-$CLUSTER_NAME
  pulumi config set --stack local build.enabled true        # build and push images from source
  pulumi config set --stack local build.registry localhost:$REGISTRY_PORT
  pulumi up --stack local                                   # or: tilt up
NEXT
