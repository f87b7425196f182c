"""Module 04's deployment manifest exercise (04.6): the incidents, what each needs of a
setting and what each setting does, and the settings read from the rendered ``k8s.yaml`` as a
platform engineer sees them in review. Module 04's checks (``m04``) and its lab use these.
"""

from __future__ import annotations

#: Exercise 04.6: what goes wrong, and the letter of the setting that protects against it.
INCIDENTS = {
    1: ("Applications triple on Monday morning.", "D"),
    2: ("A copy's process is alive but stuck: it has answered nothing for two minutes and "
        "will not recover by itself.", "B"),
    3: ("The platform team drains two machines for patching on a Sunday night.", "E"),
    4: ("A new copy is still loading its model when requests start to arrive.", "A"),
    5: ("Another team's app, in another namespace of the cluster, starts calling /predict.",
        "F"),
    6: ("A memory leak in one copy would starve everything else on its machine.", "C"),
}
#: Exercise 04.6: what each incident needs of a setting, told (with what the chosen setting
#: does) to a learner who picked the wrong one; none of the other settings does it.
_INCIDENT_NEEDS = {
    1: "runs more copies while the load is high",
    2: "restarts a copy that has stopped answering",
    3: "stops maintenance from taking down many copies at once",
    4: "sends a copy no requests until it is ready to answer them",
    5: "keeps out callers from other teams' namespaces",
    6: "stops one copy from taking its machine's memory",
}
#: What each setting of :func:`manifest_settings` does. G protects against none of the
#: incidents: it is there for an attacker in a container.
_SETTING_DOES = {
    "A": "decides which copies get new requests (those that answer its check)",
    "B": "restarts a copy that missed its health check that many times in a row",
    "C": "caps the CPU and memory one copy may use",
    "D": "adds copies when their CPU is busy",
    "E": "limits how many copies planned maintenance may stop at once",
    "F": "decides who may connect to the copies",
    "G": "keeps a process that got into the container from changing its files or gaining "
         "privileges",
}


def manifest_settings(k8s_yaml: str) -> dict[str, str]:
    """Exercise 04.6's options, read from the rendered ``k8s.yaml``: each letter's setting
    with its values, as a platform engineer would see them in review."""
    import yaml

    kinds = {doc["kind"]: doc for doc in yaml.safe_load_all(k8s_yaml)}
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    ready, alive = container["readinessProbe"], container["livenessProbe"]
    limits, scaler = container["resources"]["limits"], kinds["HorizontalPodAutoscaler"]["spec"]
    cpu = scaler["metrics"][0]["resource"]["target"]["averageUtilization"]
    ingress = kinds["NetworkPolicy"]["spec"]["ingress"]
    sources = [_ingress_source(rule["from"][0]) for rule in ingress]
    return {
        "A": f"readinessProbe: GET {ready['httpGet']['path']} every {ready['periodSeconds']} s, "
             f"{ready['failureThreshold']} misses",
        "B": f"livenessProbe: GET {alive['httpGet']['path']} every {alive['periodSeconds']} s, "
             f"{alive['failureThreshold']} misses",
        "C": f"resources.limits: cpu {limits['cpu']}, memory {limits['memory']} per copy",
        "D": f"HorizontalPodAutoscaler: {scaler['minReplicas']} to {scaler['maxReplicas']} "
             f"copies, target {cpu}% CPU",
        "E": "PodDisruptionBudget: maxUnavailable "
             f"{kinds['PodDisruptionBudget']['spec']['maxUnavailable']}",
        "F": f"NetworkPolicy: connections only from {' and '.join(sources)}",
        "G": f"securityContext: runAsNonRoot {pod['securityContext']['runAsNonRoot']}, "
             f"readOnlyRootFilesystem {container['securityContext']['readOnlyRootFilesystem']}",
    }


def _ingress_source(source: dict) -> str:
    """A NetworkPolicy ingress source in words: this namespace's pods, or a namespace."""
    if "namespaceSelector" in source:
        labels = source["namespaceSelector"]["matchLabels"]
        return f"the {labels['kubernetes.io/metadata.name']} namespace"
    return "pods in its own namespace"
