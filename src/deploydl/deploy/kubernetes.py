"""Kubernetes manifests for the service: Deployment, Service, autoscaler, ConfigMap (Module 04).

Each manifest is a plain dict (validated by ``kubernetes-validate --strict`` in the tests).
"""

from __future__ import annotations

from deploydl.deploy.bundle import DeploySpec
from deploydl.registry import Artifact
from deploydl.serving.server import GRACEFUL_SECONDS


def render_manifests(artifact: Artifact, spec: DeploySpec) -> list[dict]:
    """ConfigMap, Deployment, Service and HorizontalPodAutoscaler for ``artifact``."""
    name = artifact.metadata["name"]
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/version": artifact.version}
    return [_config_map(name, labels, spec), _deployment(artifact, name, labels, spec),
            _service(name, labels, spec), _autoscaler(name, labels, spec)]


def _meta(name: str, labels: dict) -> dict:
    return {"name": name, "labels": labels}


def _config_map(name: str, labels: dict, spec: DeploySpec) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta(f"{name}-config", labels),
            "data": {"DEPLOYDL_TORCH_THREADS": str(spec.threads),
                     "DEPLOYDL_MAX_BODY_BYTES": "1000000", "DEPLOYDL_MAX_BATCH": "1000"}}


def _probe(path: str, *, period: int, failures: int) -> dict:
    return {"httpGet": {"path": path, "port": "http"}, "periodSeconds": period,
            "timeoutSeconds": 2, "failureThreshold": failures}


def _container(artifact: Artifact, name: str, spec: DeploySpec) -> dict:
    limits = {"cpu": spec.cpu, "memory": spec.memory}
    return {
        "name": name, "image": f"{spec.image}:{artifact.version}",
        "ports": [{"name": "http", "containerPort": spec.port}],
        "envFrom": [{"configMapRef": {"name": f"{name}-config"}}],
        "env": [{"name": "OMP_NUM_THREADS", "value": str(spec.threads)},
                {"name": "DEPLOYDL_API_KEY", "valueFrom": {"secretKeyRef": {
                    "name": f"{name}-api-key", "key": "api-key", "optional": True}}}],
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
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }


def _deployment(artifact: Artifact, name: str, labels: dict, spec: DeploySpec) -> dict:
    meta = _meta(name, labels)
    meta["annotations"] = {"deploydl/weights-sha256": artifact.sha256}
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
                "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}],
            }},
        },
    }


def _service(name: str, labels: dict, spec: DeploySpec) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": _meta(name, labels),
            "spec": {"type": "ClusterIP", "selector": {"app.kubernetes.io/name": name},
                     "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}


def _autoscaler(name: str, labels: dict, spec: DeploySpec) -> dict:
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": _meta(name, labels),
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                        "name": name},
                     "minReplicas": spec.replicas, "maxReplicas": spec.max_replicas,
                     "metrics": [{"type": "Resource", "resource": {
                         "name": "cpu", "target": {"type": "Utilization",
                                                   "averageUtilization": 70}}}]}}
