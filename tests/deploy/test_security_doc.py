"""docs/service-security.md gives operators the code's own names: the Secret the pod mounts,
its keys and namespace, the key header, and a `docker run` that keeps the weights pinned."""

from __future__ import annotations

import asyncio
import json
import re
import shutil

import pytest

from deploydl.deploy.bundle import DeploySpec, render_dockerfile
from deploydl.deploy.kubernetes import render_manifests
from deploydl.integrity import sign_artifact
from deploydl.registry import verify
from deploydl.serving.middleware import ApiKeyGate


@pytest.fixture(scope="module")
def doc(root) -> str:
    return (root / "docs" / "service-security.md").read_text(encoding="utf-8")


def _commands(doc: str, program: str) -> list[str]:
    """The ``bash`` blocks of ``doc`` that run ``program``, each joined into one line."""
    blocks = re.findall(r"```bash\n(.*?)```", doc, re.S)
    return [" ".join(b.replace("\\\n", " ").split()) for b in blocks if b.startswith(program)]


def test_the_secret_the_doc_creates_is_the_one_a_signed_pod_mounts(doc, artifact_dir,
                                                                      tmp_path):
    signed = shutil.copytree(artifact_dir, tmp_path / "signed")
    sign_artifact(signed, key="k" * 32)
    spec = DeploySpec()
    deployment = next(d for d in render_manifests(verify(signed), spec)
                      if d["kind"] == "Deployment")
    volume = next(v["secret"] for v in deployment["spec"]["template"]["spec"]["volumes"]
                  if "secret" in v)
    name = deployment["metadata"]["name"]
    [command] = _commands(doc, "kubectl create secret")
    command = command.replace("<model-name>", name)
    assert command.startswith(f"kubectl create secret generic {volume['secretName']} "
                              f"-n {spec.namespace} ")
    keys = [item["key"] for item in volume["items"]]
    assert keys == ["api-key", "signing-key"]  # what the doc names, in the pod's words
    assert f"--from-file={keys[0]}=" in command
    assert f"add `--from-file={keys[1]}=" in doc


def test_the_key_header_the_doc_names_is_the_one_the_service_accepts(doc):
    header = re.search(r"send (?:it|the key) in the\s+`([^`]+)`\s+header", doc).group(1)
    statuses = []

    async def app(scope, receive, send):
        statuses.append(200)

    async def send(message):
        statuses.append(message.get("status"))

    gate = ApiKeyGate(app, api_key="secret", public=lambda path: False)
    for headers in ([(header.lower().encode(), b"secret")], []):
        asyncio.run(gate({"type": "http", "path": "/predict", "headers": headers}, None, send))
    assert statuses[0] == 200 and statuses[1] == 401


def test_docker_run_with_a_signing_key_keeps_the_hash_the_image_pins(doc, artifact_dir):
    dockerfile = render_dockerfile(verify(artifact_dir), DeploySpec())
    entry = json.loads(re.search(r"^ENTRYPOINT (.*)$", dockerfile, re.M).group(1))
    cmd = json.loads(re.search(r"^CMD (\[.*)$", dockerfile, re.M).group(1))
    # the pin is the CMD, which arguments after the image replace
    assert "--expect-sha256" not in entry and cmd[0] == "--expect-sha256"
    assert entry[-1] == str(DeploySpec().port) and entry[-2] == "--port"
    signing = [c for c in _commands(doc, "docker run") if "--signing-key-env" in c]
    assert signing, "the doc gives no `docker run` that checks a signature"
    for command in signing:
        after_image = command.split(" IMAGE ", 1)[1].split()
        assert after_image[after_image.index("--expect-sha256") + 1] == "<recorded"
        key_env = after_image[after_image.index("--signing-key-env") + 1]
        assert f"-e {key_env} " in command
