"""The CI/CD workflow (GitHub Actions): test, gate, build, promote (Module 04).

A model reaches production only through this chain; each job runs only if the one before
it passed, and promotion waits for a person's approval (a GitHub "environment"). The gates'
exit code (:mod:`deploydl.deploy.gates`) decides the path: 0 goes on, 1 stops the run, and 3
(too close to call) first waits for the ``fairness-review`` environment, whose required
reviewers decide; the reviewer sets the repository variables ``DEPLOYDL_FAIRNESS_REVIEWER`` and
``DEPLOYDL_FAIRNESS_REVIEW_REASON`` before approving (the reason must name the version it
releases, so values left from an earlier review fail instead of being recorded again), and
the registry records both with the release (``releases.jsonl``). Clear both variables after
the release. Create both environments, with required reviewers, in the repository's settings:
without them GitHub runs those jobs without waiting.

The promote job honours the maintenance window (Module 06): with the repository variable
``DEPLOYDL_RELEASE_WINDOW`` set (e.g. ``Sun 02:00-06:00``), a run outside it fails before the
rollout unless the repository variable ``DEPLOYDL_EMERGENCY_REASON`` says what breaks
if the release waits; the registry records that reason with the release. Set it, start the
workflow by hand, and clear it afterwards (GitHub's audit log records who set it). It is a
variable, not a ``workflow_dispatch`` input, so that nothing typed into a run can change what is
built (checkov's CKV_GHA_7).

Everything the registry checks when it promotes (the window or emergency, and a review's
approver and reason) is checked before the rollout, by the same function
(:func:`deploydl.registry.check_release`), and the promotion afterwards is judged at the time
of that check: a release the cluster runs is then always recorded, even if its rollout ends
after the window closed.

The promote job then takes the cluster's credentials (a placeholder step reading the secret
``KUBECONFIG``; a bank uses its cloud's OIDC login instead of a stored file), records the
Deployment's revision, applies the manifests, and waits for ``kubectl rollout status``. If
the wait fails, or the apply failed after it had changed the Deployment, it returns to the
recorded revision (``kubectl rollout undo --to-revision``); an apply refused before the
Deployment changed (an admission webhook, a cluster too old for a field) undoes nothing, so
the version already running stays. Before the apply, it removes ``spec.replicas`` from the
Deployment's last-applied record if an earlier manifest set it (once; see
:mod:`deploydl.deploy.kubernetes`). Only after the rollout does it promote the version in the
registry and commit ``stages.json`` and ``releases.jsonl`` back to the repository (that job
alone may write to it; it rebases on the branch first, which may have moved while the run
waited for approval): the next run's gates compare with that production record, and a
rollback reads its history. If the default branch is protected, push the record to a branch
of its own or keep the registry in shared storage. A ``concurrency`` group lets one release
run at a time, and never cancels one halfway.

Its signing steps demonstrate the mechanism; they are not a control (:data:`HEADER`, the
rendered workflow's first lines, says why and what a bank does instead). Every action is pinned
by its full commit SHA (:data:`ACTIONS`), since a tag can be moved.

The code lives in two modules beside this one; import it from here:

* :mod:`~deploydl.deploy.workflow_file`: :data:`ACTIONS`, :data:`HEADER`, the steps and jobs
  (:func:`render_workflow`) and the file's text (:func:`workflow_yaml`).
* :mod:`~deploydl.deploy.workflow_scripts`: the shell scripts and Python programs its steps run.
"""

from __future__ import annotations

from deploydl.deploy.workflow_file import ACTIONS, HEADER, render_workflow, workflow_yaml

__all__ = ["ACTIONS", "HEADER", "render_workflow", "workflow_yaml"]
