"""Kubernetes manifests for the service (Module 04).

ConfigMap, Deployment, Service, HorizontalPodAutoscaler, NetworkPolicy and
PodDisruptionBudget, each a plain dict (validated by ``kubernetes-validate --strict`` and
checked by checkov in the tests), all in ``DeploySpec.namespace``, which the platform team
creates (never ``default``).

The pod fails closed: the API key (and, for a signed release, the signing key) come from a
Secret mounted as files, and the Secret is not optional, so a missing Secret stops the pod
from starting instead of starting it without a key. The container is told the exact weights
sha256 this release recorded and refuses any other.

The replica count belongs to the autoscaler alone: the Deployment leaves ``spec.replicas``
out, because Kubernetes' documentation ("Migrating Deployments and StatefulSets to
horizontal autoscaling") warns that every apply of a manifest that sets it scales the
Deployment back to that number, undoing the autoscaler. The same page warns that removing
it from a Deployment applied earlier with ``kubectl apply`` (as this course's earlier
manifests, with ``replicas: 2``, were) scales it to one pod on the next apply, once: "all Pods
except 1 will begin their termination procedures". Before that first apply, run
``kubectl apply edit-last-applied deployment/<name>`` and delete ``spec.replicas`` from the
record (or switch to server-side apply); the CI workflow (:mod:`deploydl.deploy.workflow`)
does this itself when it finds ``replicas`` there. Two replicas are there so that one
can fail: the pods are spread over machines (nodes), and maintenance that drains nodes may
stop at most one at a time (the PodDisruptionBudget).
"""

from __future__ import annotations

from deploydl.deploy.bundle import DeploySpec
from deploydl.integrity import SIGNATURE
from deploydl.registry import Artifact
from deploydl.serving.server import GRACEFUL_SECONDS

#: Where the Secret's files appear in the container.
SECRETS_DIR = "/var/run/secrets/deploydl"
#: Liveness is loose on purpose. ``/health`` answers on the server's event loop, so it never
#: waits for a scoring thread, and on a machine of its own its p99 stayed under a tenth of
#: a second under the heaviest load measured (benchmarks/results/loan_health.json). But a pod
#: shares its node with others, and a strict check would restart the busiest pods in the
#: middle of a peak. So a pod's container is restarted only after it missed six checks ten seconds
#: apart, each given five seconds: about a minute without an answer. Readiness stays strict
#: (two seconds, three misses), so a slow pod stops getting new traffic quickly without
#: being killed (docs/capacity.md).
LIVENESS = {"period": 10, "timeout": 5, "failures": 6}
READINESS = {"period": 5, "timeout": 2, "failures": 3}
#: The most pods a voluntary disruption (a node drain, a cluster upgrade) may stop at once.
MAX_UNAVAILABLE = 1


def render_manifests(artifact: Artifact, spec: DeploySpec) -> list[dict]:
    """Every object the service needs in the cluster, for ``artifact``."""
    name = artifact.metadata["name"]
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/version": artifact.version}
    return [_config_map(name, labels, spec), _deployment(artifact, name, labels, spec),
            _service(name, labels, spec), _autoscaler(name, labels, spec),
            _network_policy(name, labels, spec), _disruption_budget(name, labels, spec)]


def secret_name(name: str) -> str:
    """The Secret the pod needs: keys ``api-key`` and, for a signed release, ``signing-key``."""
    return f"{name}-secrets"


def _meta(name: str, labels: dict, spec: DeploySpec) -> dict:
    return {"name": name, "namespace": spec.namespace, "labels": labels}


def _selector(name: str) -> dict:
    return {"matchLabels": {"app.kubernetes.io/name": name}}


def _config_map(name: str, labels: dict, spec: DeploySpec) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": _meta(f"{name}-config", labels, spec),
            "data": {"DEPLOYDL_TORCH_THREADS": str(spec.threads),
                     "DEPLOYDL_MAX_BODY_BYTES": "1000000", "DEPLOYDL_MAX_BATCH": "1000"}}


def _probe(path: str, *, period: int, timeout: int, failures: int) -> dict:
    return {"httpGet": {"path": path, "port": "http"}, "periodSeconds": period,
            "timeoutSeconds": timeout, "failureThreshold": failures}


def _signed(artifact: Artifact) -> bool:
    return (artifact.path / SIGNATURE).is_file()


def _args(artifact: Artifact) -> list[str]:
    """``deploydl serve`` options after the image's entry point: keys from files, and the
    weights this release recorded."""
    args = ["--api-key-file", f"{SECRETS_DIR}/api-key"]
    if _signed(artifact):
        args += ["--signing-key-file", f"{SECRETS_DIR}/signing-key"]
    return [*args, "--expect-sha256", artifact.sha256]


def _container(artifact: Artifact, name: str, spec: DeploySpec) -> dict:
    limits = {"cpu": spec.cpu, "memory": spec.memory}
    image = (f"{spec.image}@{spec.image_digest}" if spec.image_digest
             else f"{spec.image}:{artifact.version}")
    return {
        "name": name, "image": image, "imagePullPolicy": "Always",
        "args": _args(artifact),
        "ports": [{"name": "http", "containerPort": spec.port}],
        "envFrom": [{"configMapRef": {"name": f"{name}-config"}}],
        "env": [{"name": "OMP_NUM_THREADS", "value": str(spec.threads)}],
        "resources": {"requests": limits, "limits": limits},
        # Start-up may take a while (loading torch and the model); readiness gates traffic;
        # liveness restarts a process that stopped answering for about a minute (LIVENESS).
        "startupProbe": _probe("/ready", period=2, timeout=2, failures=30),
        "readinessProbe": _probe("/ready", **READINESS),
        "livenessProbe": _probe("/health", **LIVENESS),
        # Keep answering for a few seconds after removal from the Service, then drain.
        "lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}},
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "capabilities": {"drop": ["ALL"]}},
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"},
                         {"name": "secrets", "mountPath": SECRETS_DIR, "readOnly": True}],
    }


def _spread(name: str) -> list[dict]:
    """At most one pod more on any node than on the emptiest one, so two replicas land on
    two nodes wherever two exist. A pod that cannot be placed evenly waits (Pending) rather
    than doubling up. ``pod-template-hash`` spreads each rollout's pods on their own, and
    nodes the pod may not run on (tainted, cordoned for a drain) do not count."""
    return [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
             "whenUnsatisfiable": "DoNotSchedule", "labelSelector": _selector(name),
             "matchLabelKeys": ["pod-template-hash"], "nodeTaintsPolicy": "Honor"}]


def _scrape(spec: DeploySpec) -> dict:
    """The ``prometheus.io/*`` annotations: a convention (not part of Kubernetes) that
    Prometheus' example pod-discovery configuration and common charts read. With the
    Prometheus Operator, write a PodMonitor for the ``http`` port instead."""
    return {"prometheus.io/scrape": "true", "prometheus.io/port": str(spec.port),
            "prometheus.io/path": "/metrics"}


def _deployment(artifact: Artifact, name: str, labels: dict, spec: DeploySpec) -> dict:
    meta = _meta(name, labels, spec)
    meta["annotations"] = {"deploydl/weights-sha256": artifact.sha256}
    if not spec.image_digest:
        meta["annotations"]["checkov.io/skip1"] = (
            "CKV_K8S_43=The image digest exists only after CI builds the image; the workflow "
            "renders this file again with the digest its build step reports before it rolls out.")
    secret_keys = ["api-key", *(["signing-key"] if _signed(artifact) else [])]
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
        # No "replicas": the HorizontalPodAutoscaler owns the count (module docstring).
        "spec": {
            "selector": _selector(name),
            "strategy": {"type": "RollingUpdate",
                         "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
            "template": {"metadata": {"labels": labels, "annotations": _scrape(spec)}, "spec": {
                "automountServiceAccountToken": False,
                "terminationGracePeriodSeconds": GRACEFUL_SECONDS + 10,
                "securityContext": {"runAsNonRoot": True, "runAsUser": spec.uid,
                                    "runAsGroup": spec.uid, "fsGroup": spec.uid,
                                    "seccompProfile": {"type": "RuntimeDefault"}},
                "topologySpreadConstraints": _spread(name),
                "containers": [_container(artifact, name, spec)],
                "volumes": [
                    {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}},
                    # Not optional: without the Secret the pod does not start (fail closed).
                    {"name": "secrets", "secret": {
                        "secretName": secret_name(name), "defaultMode": 0o440,
                        "items": [{"key": k, "path": k} for k in secret_keys]}}],
            }},
        },
    }


def _service(name: str, labels: dict, spec: DeploySpec) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": _meta(name, labels, spec),
            "spec": {"type": "ClusterIP", "selector": {"app.kubernetes.io/name": name},
                     "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}


def _network_policy(name: str, labels: dict, spec: DeploySpec) -> dict:
    """Pods in the same namespace may call the service, and pods in
    ``spec.monitoring_namespace`` (where the cluster's Prometheus runs) may read
    ``/metrics``. A NetworkPolicy sees ports, not paths, so the monitoring namespace can reach
    the whole port; ``/predict`` still needs the API key. Add your ingress controller's
    namespace to expose the service outside."""
    port = [{"protocol": "TCP", "port": spec.port}]
    monitoring = {"namespaceSelector": {"matchLabels": {
        "kubernetes.io/metadata.name": spec.monitoring_namespace}}}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": _meta(name, labels, spec),
            "spec": {"podSelector": _selector(name), "policyTypes": ["Ingress"],
                     "ingress": [{"from": [{"podSelector": {}}], "ports": port},
                                 {"from": [monitoring], "ports": port}]}}


def _disruption_budget(name: str, labels: dict, spec: DeploySpec) -> dict:
    """Drains and upgrades stop at most :data:`MAX_UNAVAILABLE` pod at a time, so one
    replica always answers. A pod that is not ready may always be evicted, so a broken pod
    never blocks a drain."""
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": _meta(name, labels, spec),
            "spec": {"maxUnavailable": MAX_UNAVAILABLE, "selector": _selector(name),
                     "unhealthyPodEvictionPolicy": "AlwaysAllow"}}


def _autoscaler(name: str, labels: dict, spec: DeploySpec) -> dict:
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": _meta(name, labels, spec),
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                        "name": name},
                     "minReplicas": spec.replicas, "maxReplicas": spec.max_replicas,
                     "metrics": [{"type": "Resource", "resource": {
                         "name": "cpu", "target": {
                             "type": "Utilization",
                             "averageUtilization": spec.cpu_target_percent}}}]}}
