"""Kubernetes manifests for the service (Module 04).

ConfigMap, Deployment, Service, NetworkPolicy and HorizontalPodAutoscaler, each a plain dict
(validated by ``kubernetes-validate --strict`` and checked by checkov in the tests), all in
``DeploySpec.namespace``, which the platform team creates (never ``default``).

The pod fails closed: the API key (and, for a signed release, the signing key) come from a
Secret mounted as files, and the Secret is not optional, so a missing Secret stops the pod
from starting instead of starting it without a key. The container is told the exact weights
sha256 this release recorded and refuses any other.
"""

from __future__ import annotations

from deploydl.deploy.bundle import DeploySpec
from deploydl.integrity import SIGNATURE
from deploydl.registry import Artifact
from deploydl.serving.server import GRACEFUL_SECONDS

#: Where the Secret's files appear in the container.
SECRETS_DIR = "/var/run/secrets/deploydl"


def render_manifests(artifact: Artifact, spec: DeploySpec) -> list[dict]:
    """Every object the service needs in the cluster, for ``artifact``."""
    name = artifact.metadata["name"]
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/version": artifact.version}
    return [_config_map(name, labels, spec), _deployment(artifact, name, labels, spec),
            _service(name, labels, spec), _autoscaler(name, labels, spec),
            _network_policy(name, labels, spec)]


def secret_name(name: str) -> str:
    """The Secret the pod needs: keys ``api-key`` and, for a signed release, ``signing-key``."""
    return f"{name}-secrets"


def _meta(name: str, labels: dict, spec: DeploySpec) -> dict:
    return {"name": name, "namespace": spec.namespace, "labels": labels}


def _config_map(name: str, labels: dict, spec: DeploySpec) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": _meta(f"{name}-config", labels, spec),
            "data": {"DEPLOYDL_TORCH_THREADS": str(spec.threads),
                     "DEPLOYDL_MAX_BODY_BYTES": "1000000", "DEPLOYDL_MAX_BATCH": "1000"}}


def _probe(path: str, *, period: int, failures: int) -> dict:
    return {"httpGet": {"path": path, "port": "http"}, "periodSeconds": period,
            "timeoutSeconds": 2, "failureThreshold": failures}


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
        # liveness restarts a process that stopped answering.
        "startupProbe": _probe("/ready", period=2, failures=30),
        "readinessProbe": _probe("/ready", period=5, failures=3),
        "livenessProbe": _probe("/health", period=10, failures=3),
        # Keep answering for a few seconds after removal from the Service, then drain.
        "lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}},
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "capabilities": {"drop": ["ALL"]}},
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"},
                         {"name": "secrets", "mountPath": SECRETS_DIR, "readOnly": True}],
    }


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
        "spec": {
            "replicas": spec.replicas,
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "strategy": {"type": "RollingUpdate",
                         "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
            "template": {"metadata": {"labels": labels}, "spec": {
                "automountServiceAccountToken": False,
                "terminationGracePeriodSeconds": GRACEFUL_SECONDS + 10,
                "securityContext": {"runAsNonRoot": True, "runAsUser": spec.uid,
                                    "runAsGroup": spec.uid, "fsGroup": spec.uid,
                                    "seccompProfile": {"type": "RuntimeDefault"}},
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
    """Only pods in the same namespace may call the service; add your ingress controller's
    namespace to ``from`` to expose it outside."""
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": _meta(name, labels, spec),
            "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": name}},
                     "policyTypes": ["Ingress"],
                     "ingress": [{"from": [{"podSelector": {}}],
                                  "ports": [{"protocol": "TCP", "port": spec.port}]}]}}


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
