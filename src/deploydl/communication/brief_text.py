"""The executive brief's words (Module 07): the decision it asks for and its fairness finding.

Each is a template of figure keys (``{threshold}``), filled in by
:func:`deploydl.present.report.prose` on the page, so every number stays tagged with its source.
The wording follows the measured results: a failed fairness gate, one too close to call (the
release waits for the fairness review, unless the registry recorded one with it), a model that
does not pay, a new region that fails the screen (a ratio below 0.8, or none at all because
nobody there was approved) or is too close to call on it (its 95% range straddles 0.8), or an
A/B test that is still running, lost or was won by a version its own fairness gate keeps in
staging each change what the brief asks. A decision written by hand
(``Context(decision=...)``) may not ask to release a version whose fairness gate failed.
"""

from __future__ import annotations

import math
import re

from deploydl.communication.brief import BriefInputs
from deploydl.communication.value import spans_zero
from deploydl.deploy.gates import GateResult
from deploydl.responsible.fairness import FOUR_FIFTHS

#: Words that ask to put the model in front of applicants ("approve" only with the model as
#: its object, so that "approve the budget for the fairness work" is not a release).
_RELEASE = re.compile(
    r"\b(?:releas\w*\b(?! gate)|launch\w*|deploy\w*|ship\w*|roll\w* (?:it )?out"
    r"|go\w* live|put\w* live|approv\w*(?: \w+){0,3}? "
    r"(?:version|model|release|launch|deployment|rollout|it\b|\{|v?\d+\.\d))",
    re.IGNORECASE)
#: Words that, earlier in the same sentence, turn a release word into a refusal of it.
_HOLD = re.compile(r"\b(?:not|no|never|\w+n't|hold\w*|withhold\w*|against|reject\w*|declin\w*"
                   r"|postpon\w*|delay\w*|paus\w*|stop\w*|halt\w*|block\w*)\b", re.IGNORECASE)


def decision_text(inputs: BriefInputs) -> str:
    """The decision asked, as a template of figure keys (see
    :func:`deploydl.present.report.prose`): :func:`decision_items` in one paragraph.
    """
    return " ".join(decision_items(inputs))


def decision_items(inputs: BriefInputs) -> list[str]:
    """The decisions asked, one item each (templates of figure keys): the release first (as a
    trial where its value is not established), then the new region's, the release's fairness
    review and the A/B test's, where they apply. Each item names the review it means: the new
    region's, or the release's. A decision written by hand (``Context(decision=...)``) is one item.
    """
    if inputs.context.decision:
        _refuse_release_without_fairness(inputs)
        return [inputs.context.decision]
    too_close = inputs.fairness.get("too_close_to_call", False)
    reviewed = inputs.registry.get("fairness_review")
    if not inputs.fairness["gate_passed"]:  # a failed gate is never reviewed into release
        return ["Do not release version {model_version}: it fails the fairness gate. Fund the "
                "fairness work and a review with counsel, and keep the current process "
                "meanwhile."]
    if too_close and not reviewed:
        return ["Hold version {model_version} until the fairness review decides: its approval "
                "ratio across age bands, {parity_ratio}, is too close to the screen's "
                f"{inputs.fairness['min_ratio']:.2f} to call (95% range {{ratio_low}} to "
                "{ratio_high}). Keep the current process until then; the registry records who "
                "decides and why."]
    items = _release_items(inputs)
    if items[0].startswith("Approve") and too_close:
        items.append("The release's own fairness review is done: it approved version "
                     "{model_version} although its fairness gate was too close to call; the "
                     "registry records who decided and why.")
    ab = inputs.ab
    if ab and not (ab["significant"] and ab["version_b"] == inputs.registry["version"]):
        items.append(_ab_not_released(ab))
    return items


def _release_items(inputs: BriefInputs) -> list[str]:
    """Release the model or keep the current process, and, when the new region has traffic,
    what happens to its applicants (the new region's own fairness screen)."""
    if inputs.money["net_value_per_year"] <= 0:
        return ["Keep the current process: version {model_version}, deciding at threshold "
                "{threshold}, does not beat it on the stated assumptions (net "
                "{net_value_per_year} a year). Decide whether to fund more work on the model "
                "or stop it."]
    if "region_parity_ratio" not in inputs.monitoring:
        return [_approval(inputs)]
    measured = (" Its accuracy and value were measured on applicants from before the new "
                "region opened.")
    if _region_verdict(inputs) == "passes":
        return [_approval(inputs, " for every region, the new one included") + measured,
                "In the new region, its approvals pass the fairness screen so far "
                "({region_parity_ratio} on {region_n} applicants, only {region_smallest_n} in "
                "the smallest age band), so check fairness there again at the first quarterly "
                "review."]
    existing = _approval(inputs, " for the existing regions") + measured
    if _region_verdict(inputs) == "too close to call":
        region = ("Send the new region's applicants to an underwriter until a named fairness "
                  "review of the new region decides: the model's approval ratio there, "
                  "{region_parity_ratio}, clears the screen, but on {region_n} applicants, "
                  "{region_smallest_n} in the smallest band, its 95% range reaches "
                  f"{{region_ratio_low}}, below {FOUR_FIFTHS:.2f}: too few to call.")
    elif _nobody_approved(inputs):
        region = ("In the new region it approved none of the {region_n} applicants, so its "
                  "approvals fail the fairness screen: send the new region's applicants to an "
                  "underwriter until a fix is reviewed with counsel.")
    else:
        region = ("In the new region its approvals fail the fairness screen "
                  "({region_parity_ratio} on {region_n} applicants): send the new region's "
                  "applicants to an underwriter until a fix is reviewed with counsel.")
    return [existing, region]


def scope_text(inputs: BriefInputs) -> str:
    """Whom the brief applies to (its "Applies to:" line): the context's ``audience``, and, when
    the brief's own decision approves the model for the existing regions only (the new region
    fails the fairness screen or is too close to call there), who decides in the new region."""
    audience = inputs.context.audience
    approves = not inputs.context.decision and decision_text(inputs).startswith("Approve")
    if not approves or "region_parity_ratio" not in inputs.monitoring:
        return audience
    verdict = _region_verdict(inputs)
    if verdict == "passes":
        return audience
    until = ("a named fairness review decides" if verdict == "too close to call"
             else "a fix is reviewed with counsel")
    return (f"{audience.rstrip('.')}. In the new region, underwriters take every application "
            f"until {until}.")


def _ab_not_released(ab: dict) -> str:
    """The sentence for an A/B test whose version B is not the one asked for: still running,
    decided against B (it earned less, or broke the approval-rate guardrail), or won but held
    in staging by its own fairness gate (``held``, from
    :meth:`~deploydl.capstone.project.Capstone.ab_test`)."""
    if ab.get("held"):
        return _held_winner(ab["held"])
    if ab["significant"] and ab["difference"] <= 0:
        return ("Keep {model_version}: version {ab_version_b} earned less per applicant in "
                "the A/B test, a real difference, so it is not released.")
    if ab["significant"] and not ab["guardrail_ok"]:
        return ("Keep {model_version}: version {ab_version_b} earned more per applicant in "
                "the A/B test but approved too few applicants (the approval-rate guardrail "
                "broke), so it is not released.")
    return ("Keep the A/B test of version {ab_version_b} running to {ab_planned_n} "
            "applicants per version before deciding on it.")


def _held_winner(held: str) -> str:
    """The sentence for an A/B test's winner that its own fairness gate keeps in staging
    (``held`` is :meth:`~deploydl.capstone.project.Capstone.ab_test`'s reason)."""
    if held == "fairness review":
        return ("Version {ab_version_b} won the A/B test on profit per applicant, but its "
                "fairness gate is too close to call: it waits in staging for a fairness review, "
                "which decides whether it replaces {model_version}.")
    return ("Version {ab_version_b} won the A/B test on profit per applicant, but its "
            "fairness gate FAILED: it is not released. Fix its fairness and test it again "
            "before it replaces {model_version}.")


def _approval(inputs: BriefInputs, scope: str = "") -> str:
    """The release's approval, for ``scope`` (" for the existing regions"; all of them when
    empty). Where the net value's 95% range spans zero (:func:`_value_unsettled`) the approval
    says so in the same sentence: the release is a trial whose value is yet to be shown."""
    approve = ("Approve version {model_version} of the loan-default model" + scope
               + ", deciding at threshold {threshold}, with the monitoring and rollout plans "
                 "below")
    if _value_unsettled(inputs):
        return (approve + ", as a trial: its value is not established yet (the 95% range of "
                "its net value spans zero), so confirm it on the first year's outcomes before "
                "counting on it.")
    return approve + "."


def _value_unsettled(inputs: BriefInputs) -> bool:
    """Whether the net value's sampling range spans zero (no range computed: settled)."""
    m = inputs.money
    return "net_value_low" in m and spans_zero(m["net_value_low"], m["net_value_high"])


def asks_to_release(decision: str) -> bool:
    """Whether a written decision asks to release the model: some sentence has a release word
    ("approve version 1.2", "we recommend deploying it") with no refusal before it in that
    sentence ("do not release", "we advise against launching", "hold the rollout")."""
    for sentence in re.split(r"[.;:!?](?!\S)|\bbut\b|\bhowever\b", decision, flags=re.IGNORECASE):
        asked = _RELEASE.search(sentence)
        if asked and not _HOLD.search(sentence[:asked.start()]):
            return True
    return False


def _refuse_release_without_fairness(inputs: BriefInputs) -> None:
    """A brief may not ask to release a version whose fairness gate failed: its own fairness
    section would say FAILED under a decision box that says approve."""
    if inputs.fairness["gate_passed"] or not asks_to_release(inputs.context.decision):
        return
    raise ValueError(
        "The decision asks to release the model, but its fairness gate FAILED on the held-out "
        "applicants, so the brief cannot ask for that. Write a decision the evidence supports "
        "(for example: do not release; fund the fairness work and a review with counsel), or "
        "fix fairness and pass the gate first. Nothing was written.")


def fairness_text(inputs: BriefInputs) -> str:
    """The fairness finding, worded from the measured results (a template of keys): the
    gate's on the held-out applicants, then the new region's from the prediction log."""
    return _gate_finding(inputs) + _region_finding(inputs)


def _region_verdict(inputs: BriefInputs) -> str:
    """The four-fifths screen on the new region's logged approvals: "passes", "too close to
    call" or "FAILS", by the fairness gate's rule (:class:`deploydl.deploy.gates.GateResult`):
    a ratio of at least 0.8 whose 95% range reaches below 0.8 is too close to call (another
    sample could give the other verdict), and a ratio below 0.8 fails. Without a range
    (``region_ratio_low`` absent) the ratio decides. A ratio that is not a number (nobody in
    the region approved) fails, as the gate fails it; a range that is not one is not a pass."""
    mon = inputs.monitoring
    ratio = mon["region_parity_ratio"]
    gate = GateResult("fairness", ratio >= FOUR_FIFTHS, ratio, FOUR_FIFTHS, "",
                      mon.get("region_ratio_low"), mon.get("region_ratio_high"))
    if not gate.passed:
        return "FAILS"
    return "too close to call" if gate.too_close_to_call else "passes"


def _nobody_approved(inputs: BriefInputs) -> bool:
    """Whether the new region's ratio is not a number: nobody there was approved."""
    return math.isnan(inputs.monitoring["region_parity_ratio"])


def _region_finding(inputs: BriefInputs) -> str:
    if "region_parity_ratio" not in inputs.monitoring:
        return ""
    if _nobody_approved(inputs):
        return (" Since the new region opened, the decisions in the prediction log approve none "
                "of its {region_n} applicants, so there is no approval ratio to compare: the "
                "screen FAILS there.")
    verdict = _region_verdict(inputs)
    start = (" Since the new region opened, the decisions in the prediction log give its "
             "{region_n} applicants an approval ratio across age bands of "
             "{region_parity_ratio}")
    if verdict == "too close to call":
        return (start + ", 95% range {region_ratio_low} to {region_ratio_high}: it straddles "
                f"the screen's {FOUR_FIFTHS:.2f}, so the screen is too close to call there and a "
                "fairness review decides, not this figure alone. Only {region_smallest_n} are "
                "in the smallest age band: check it again as applicants arrive.")
    shown = ("" if inputs.monitoring.get("region_ratio_low") is None
             else " (95% range {region_ratio_low} to {region_ratio_high})")
    return (start + f"{shown}: the screen {verdict} there. Only {{region_smallest_n}} "
            "are in the smallest age band, so the figure is rough: check it again as "
            "applicants arrive.")


def _gate_finding(inputs: BriefInputs) -> str:
    f = inputs.fairness
    screen = (" The screen is a first check, not a legal test: counsel reviews disparate "
              "treatment and impact.")
    if f["validation_passed"] is False:
        return ("No threshold meets the four-fifths screen on the applicants set aside to "
                "choose it. On the held-out applicants, at {threshold}, the approval ratio is "
                "{parity_ratio} and the group approved least gets {worst_group_approval}. The "
                "fairness gate FAILED: do not release this version until fairness is fixed "
                "and reviewed with counsel.")
    if f["threshold_reason"] == "fairness":
        chosen = ("At the break-even {break_even} the screen fails on the applicants set aside "
                  "to choose the threshold, so the threshold moved to {threshold}, the cheapest "
                  "there that passes; on the held-out applicants the ratio at the break-even "
                  "is {ratio_at_break_even}. ")
    elif f["validation_passed"] is None:
        chosen = "The threshold {threshold} was fixed without the held-out applicants. "
    else:
        chosen = ("The break-even threshold passes the screen on the applicants set aside to "
                  "choose it, so it stands. ")
    if not f["gate_passed"]:
        return (chosen + "On the held-out applicants, though, the ratio at {threshold} is "
                "{parity_ratio}, below the screen, and the group approved least gets "
                "{worst_group_approval}." + _too_close(f) + " The fairness gate FAILED: do not "
                "release this version until fairness is fixed and reviewed with counsel.")
    text = chosen + ("On the held-out applicants, at {threshold}, the ratio is {parity_ratio}; "
                     "the group approved least gets {worst_group_approval}." + _too_close(f))
    if f["threshold_reason"] == "fairness" and inputs.money["price_of_fairness_per_year"] >= 0:
        text += " Passing the screen costs {price_of_fairness_per_year} a year."
    elif f["threshold_reason"] == "fairness":
        text += (" On the held-out applicants the moved threshold happens to cost less than "
                 "the break-even ({price_of_fairness_per_year} a year): the break-even is the "
                 "cheapest on average for calibrated scores, not on every sample.")
    return text + screen


def _too_close(fairness: dict) -> str:
    """A sentence when the ratio's 95% range on the held-out applicants straddles the screen
    (the gate's ``too_close_to_call``): the verdict could go the other way on another sample."""
    if not fairness.get("too_close_to_call"):
        return ""
    return (" Its 95% range, {ratio_low} to {ratio_high}, straddles the screen's "
            f"{fairness['min_ratio']:.2f}: on another sample of applicants the verdict could go "
            "the other way, so a fairness review decides, not this figure alone.")
