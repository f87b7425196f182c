"""The shell scripts and Python programs the CI/CD workflow's steps run (Module 04).

Each is a constant :func:`deploydl.deploy.workflow_file.render_workflow` puts into a step: the
gates' exit codes, the fairness review's check, the release check and promotion with the
registry's own functions, and the rollout (credentials, revision, apply, wait, undo, record).
"""

from __future__ import annotations

#: The check before the rollout, with the registry's own function (the window, any emergency,
#: and a fairness review's approver and reason, which must name this version); it keeps the
#: time it checked, so the promotion after the rollout is judged at that time.
_CHECK = ("import os, time; from deploydl.monitoring import window_from_settings; "
          "from deploydl.registry import check_release; "
          "from deploydl.settings import get_settings; now = time.time(); "
          "check_release(window_from_settings(get_settings()), now, "
          "emergency=os.environ.get(\"EMERGENCY_REASON\") or None, "
          "override=os.environ.get(\"FAIRNESS_REVIEW_REASON\") or None, "
          "approver=os.environ.get(\"FAIRNESS_REVIEWER\") or None, "
          "version=os.environ[\"MODEL_VERSION\"], "
          "what=\"Releasing \" + os.environ[\"MODEL_NAME\"]); "
          "open(os.environ[\"GITHUB_ENV\"], \"a\").write(f\"RELEASE_CHECKED_AT={now}\\n\")")
#: The promote step, after the rollout: judged at the check's time (without one, now), with
#: any fairness review.
_PROMOTE = ("import os; from deploydl.monitoring import window_from_settings; "
            "from deploydl.registry import ModelRegistry; "
            "from deploydl.settings import get_settings; "
            "checked = os.environ.get(\"RELEASE_CHECKED_AT\"); "
            "ModelRegistry(\"models\", window=window_from_settings(get_settings())).promote("
            "os.environ[\"MODEL_NAME\"], os.environ[\"MODEL_VERSION\"], stage=\"production\", "
            "emergency=os.environ.get(\"EMERGENCY_REASON\") or None, "
            "override=os.environ.get(\"FAIRNESS_REVIEW_REASON\") or None, "
            "approver=os.environ.get(\"FAIRNESS_REVIEWER\") or None, "
            "checked_at=float(checked) if checked else None)")
#: The gates step: exit 0 goes on, 3 asks for the fairness review, anything else stops.
_GATES = """set +e
python -m deploydl.deploy.gates "$CANDIDATE" --registry models
code=$?
set -e
case "$code" in
  0) echo "review=false" >> "$GITHUB_OUTPUT" ;;
  3) echo "review=true" >> "$GITHUB_OUTPUT" ;;
  *) exit "$code" ;;
esac"""
#: The fairness review job's check: the reviewer wrote down who decided and why, for this
#: version (variables left from an earlier review fail here instead of being recorded again).
#: Shell, not check_release: this job checks out and installs nothing (a person approves it),
#: and it fails before the build and the production approval. It is also the only check that
#: a review was written at all (check_release accepts a release without one); _CHECK runs the
#: registry's own checks on the same review before the rollout.
_REVIEWED = """if [ -z "$FAIRNESS_REVIEWER" ] || [ -z "$FAIRNESS_REVIEW_REASON" ]; then
  echo "::error::Set DEPLOYDL_FAIRNESS_REVIEWER and DEPLOYDL_FAIRNESS_REVIEW_REASON first."
  exit 1
fi
case "$FAIRNESS_REVIEW_REASON" in
  *"$MODEL_VERSION"*) ;;
  *) echo "::error::The review reason must name $MODEL_VERSION (left from an earlier review?)"
     exit 1 ;;
esac
echo "Fairness review by $FAIRNESS_REVIEWER: $FAIRNESS_REVIEW_REASON\""""
#: Placeholder credentials: a kubeconfig kept in the secret KUBECONFIG (or use OIDC instead).
_CREDENTIALS = """printf '%s' "$KUBECONFIG_DATA" > "$RUNNER_TEMP/kubeconfig"
chmod 600 "$RUNNER_TEMP/kubeconfig"
echo "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV\""""
#: The Deployment's revision before this release (empty if it does not exist yet).
_BEFORE = """before=$(kubectl get "deployment/$MODEL_NAME" -n "$NAMESPACE" --ignore-not-found \\
  -o jsonpath='{.metadata.annotations.deployment\\.kubernetes\\.io/revision}')
echo "Revision before this release: ${before:-none}"
echo "revision=$before" >> "$GITHUB_OUTPUT\""""
#: Once, for a Deployment applied earlier with spec.replicas: remove it from the
#: last-applied record, else this apply scales it down to one pod (kubernetes module docstring).
_MIGRATE = """last=$(kubectl apply view-last-applied "deployment/$MODEL_NAME" -n "$NAMESPACE" \\
  -o json 2>/dev/null || true)
if [ -n "$last" ] && printf '%s' "$last" | jq -e '.spec | has("replicas")' > /dev/null; then
  printf '%s' "$last" | jq 'del(.spec.replicas)' > "$RUNNER_TEMP/last-applied.json"
  kubectl apply set-last-applied -f "$RUNNER_TEMP/last-applied.json"
  echo "Removed spec.replicas from the last-applied record: the autoscaler keeps the count."
fi"""
_WAIT = 'kubectl rollout status "deployment/$MODEL_NAME" -n "$NAMESPACE" --timeout=5m'
#: Undo only if the Deployment changed: back to the revision recorded before the apply.
_UNDO = """now=$(kubectl get "deployment/$MODEL_NAME" -n "$NAMESPACE" --ignore-not-found \\
  -o jsonpath='{.metadata.annotations.deployment\\.kubernetes\\.io/revision}')
if [ -z "$BEFORE" ]; then
  echo "::error::The first rollout of $MODEL_NAME failed: no earlier revision to return to."
elif [ "$now" = "$BEFORE" ]; then
  echo "::error::The Deployment was not changed (revision $BEFORE still runs): nothing to undo."
else
  echo "::error::Rollout failed: returning from revision $now to revision $BEFORE."
  kubectl rollout undo "deployment/$MODEL_NAME" -n "$NAMESPACE" --to-revision="$BEFORE"
  kubectl rollout status "deployment/$MODEL_NAME" -n "$NAMESPACE" --timeout=5m
fi"""
#: Commit the registry's record back, so the next run's gates and a rollback can read it.
#: A run for the version already in production (a push that left the model as it was, a
#: re-run) changes no record (ModelRegistry.promote), and ``git commit`` with nothing to
#: commit would fail the job after a good rollout: the step ends there instead. The quoted
#: ``releases.jsonl*`` is git's pattern, not the shell's: it also adds the copy of a cut-off
#: record the registry set aside (``releases.jsonl.torn-*``), so the runner loses no byte.
_RECORD = """git config user.name "github-actions[bot]"
git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
git add "models/$MODEL_NAME/stages.json" "models/$MODEL_NAME/releases.jsonl*"
if git diff --cached --quiet; then
  echo "Registry record unchanged: $MODEL_VERSION was already in production."
  exit 0
fi
git commit -m "Release $MODEL_NAME $MODEL_VERSION: registry record [skip ci]"
git pull --rebase origin "$GITHUB_REF_NAME"
git push origin "HEAD:$GITHUB_REF_NAME\""""
