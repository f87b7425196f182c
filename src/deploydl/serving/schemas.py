"""Request and response models of the prediction service.

The field limits are wide enough for any real applicant and tight enough that a typo
(a negative income, a debt ratio of 50) is refused with a 422 that names the field. Types are
strict: a number sent as a string (``"50000"``), a boolean for a number or a count (``true``)
or a fraction for a count (``1.5``) is refused, never silently converted. A count may be
written ``1`` or ``1.0``: JSON Schema, and so the OpenAPI page, defines both as the same
integer, and the service keeps to its published contract.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    create_model,
    field_validator,
)
from pydantic_core import PydanticCustomError

from deploydl.settings import MOST_APPLICANTS


def _whole(value: Any) -> Any:
    """1.0 -> 1 (the same JSON integer); anything else is left for strict validation."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: A count: a JSON integer. ``true`` and ``"3"`` are refused; ``3.0`` is the integer 3.
Count = Annotated[int, BeforeValidator(_whole)]


class Applicant(BaseModel):
    """One loan application, as the model sees it (money in US dollars, durations in years).

    Types are strict: numbers must be JSON numbers and counts JSON integers; strings,
    booleans and fractions for counts are refused with a 422, never converted.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)

    income: float = Field(..., ge=0, le=10_000_000, description="Annual income, USD.")
    debt_ratio: float = Field(..., ge=0, le=5, description="Monthly debt / monthly income.")
    credit_history_years: float = Field(..., ge=0, le=80)
    loan_amount: float = Field(..., gt=0, le=10_000_000, description="Amount asked for, USD.")
    employment_years: float = Field(..., ge=0, le=80)
    late_payments: Count = Field(..., ge=0, le=100, description="Late payments on record "
                                                                "(a JSON integer).")
    home_owner: Count = Field(..., ge=0, le=1, description="1 if the applicant owns a home, "
                                                           "else 0 (a JSON integer, not true).")
    applicant_id: str | None = Field(None, max_length=64, description=(
        "Optional application ID: joins late outcomes to the prediction log and keeps an "
        "applicant on one model version in an A/B test (Module 06). Not a model input."))


class Batch(BaseModel):
    """Several applications scored in one request."""

    model_config = ConfigDict(extra="forbid", strict=True)

    #: The most applicants in one batch: :data:`~deploydl.settings.MOST_APPLICANTS` here, a
    #: service's own ``max_batch`` in the batch :func:`predict_request` builds for it.
    most_applicants: ClassVar[int] = MOST_APPLICANTS

    applicants: list[Applicant] = Field(..., min_length=1, json_schema_extra={
        "maxItems": MOST_APPLICANTS})

    @field_validator("applicants", mode="before")
    @classmethod
    def _not_too_many(cls, value: Any) -> Any:
        """Refuse more than :attr:`most_applicants` before a single one is validated: a huge
        list of empty objects would otherwise cost seconds, and hundreds of megabytes of
        errors."""
        if isinstance(value, list) and len(value) > cls.most_applicants:
            raise PydanticCustomError("too_long", too_many_applicants(len(value),
                                                                      cls.most_applicants))
        return value


def too_many_applicants(count: int, limit: int) -> str:
    """The 422 message for ``count`` applicants in one request when ``limit`` is the most."""
    return (f"{count} applicants in one request; the limit is {limit}. Split the batch into "
            f"requests of at most {limit}.")


def _request_kind(body: Any) -> str:
    """A body with an ``applicants`` key is a batch; anything else is one applicant."""
    return "batch" if isinstance(body, dict) and "applicants" in body else "applicant"


@functools.cache
def predict_request(most: int = MOST_APPLICANTS) -> Any:
    """The body of POST /predict for a service that takes at most ``most`` applicants at once
    (its ``max_batch``): one applicant, or ``{"applicants": [...]}``.

    Choosing the kind first means a 422 names only the fields of the kind that was sent. The
    batch publishes ``most`` as its ``maxItems`` (the OpenAPI page shows the service's own
    limit) and refuses a longer list before validating any applicant in it. Built once per
    limit, when an app is created: a request pays nothing for it.
    """
    batch = Batch
    if most != MOST_APPLICANTS:
        batch = create_model("Batch", __base__=Batch, __doc__=Batch.__doc__,
                             __module__=__name__, applicants=(list[Applicant], Field(
                                 ..., min_length=1, json_schema_extra={"maxItems": most})))
        batch.most_applicants = most
    return Annotated[Annotated[Applicant, Tag("applicant")] | Annotated[batch, Tag("batch")],
                     Discriminator(_request_kind)]


class ReasonCode(BaseModel):
    """One principal reason for a referral (Module 03's reason codes), strongest first."""

    feature: str = Field(..., description="The input, e.g. 'late_payments'.")
    direction: Literal["increase", "decrease"] = Field(
        ..., description="Which way the input would have to move to raise the approval score.")
    value: float = Field(..., description="The applicant's value.")
    reference: float = Field(..., description="The median approved applicant's value.")
    score_gain: float = Field(..., description=(
        "How much the approval score (1 - probability of default) would rise with the "
        "reference value, everything else kept; 0.22 = 22 points."))
    text: str = Field(..., description="The reason as an adverse-action notice words it.")


class Prediction(BaseModel):
    """The model's answer for one applicant."""

    probability_of_default: float = Field(..., description="0..1; 0.12 = 12 in 100 default.")
    decision: Literal["approve", "refer"] = Field(
        ..., description="'approve' or 'refer' at the service's threshold.")
    out_of_range: list[str] = Field(default_factory=list, description=(
        "Inputs outside the range seen in training, e.g. 'debt_ratio 2.5 (training "
        "0.0..1.9)'. The model is extrapolating there: a person should check the answer."))
    reasons: list[ReasonCode] = Field(default_factory=list, description=(
        "For a referral, up to 4 principal reasons the score was too high, strongest first: "
        "what the underwriter and the applicant read. Empty for an approval, and for a model "
        "served without the reference its reasons are measured against."))


class PredictResponse(BaseModel):
    """Predictions in the order the applicants were sent, with the model that made them."""

    model_name: str
    model_version: str
    threshold: float
    predictions: list[Prediction]


class Health(BaseModel):
    status: str


class ModelInfo(BaseModel):
    """What is being served: identity, integrity and the numbers measured at training time."""

    model_config = ConfigDict(protected_namespaces=())

    name: str
    version: str
    sha256: str | None = Field(None, description="sha256 of the weights file; None if the "
                                                 "model was not loaded from an artifact.")
    created: str | None = None
    training_data_sha256: str | None = None
    metrics: dict[str, float] = Field(default_factory=dict)
    features: list[str]
    threshold: float
    torch_threads: int


class ErrorDetail(BaseModel):
    """The body of every error except a 422: one sentence saying what was wrong and what to do."""

    detail: str


class FieldError(BaseModel):
    field: str = Field(..., description="Where the problem is, e.g. 'applicants.2.income'.")
    message: str
    received: str = Field(..., description="The value sent, shortened to 80 characters.")


class ValidationFailed(BaseModel):
    """The body of every 422: a one-line summary and one entry per field that is wrong."""

    detail: str
    errors: list[FieldError]
