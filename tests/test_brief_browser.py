"""The brief and the communication plan in headless Chromium, with the network blocked."""

from __future__ import annotations

import pytest
from browser import ARTIFACTS, chromium, distinct_colours, open_offline

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    from deploydl.brief_page import write_brief
    from deploydl.capstone import Scenario, model_only_inputs

    inputs = model_only_inputs(tmp_path_factory.mktemp("run"),
                               scenario=Scenario(n_train=1000, n_test=1000, epochs=3))
    return write_brief(inputs, tmp_path_factory.mktemp("brief"))


@pytest.mark.parametrize("name", ["brief", "plan", "model_card"])
def test_renders_offline_in_chromium(documents, name):
    with chromium() as browser:
        visit = open_offline(browser, documents[name].as_uri(), ARTIFACTS / f"{name}.png")
    assert visit.blocked == [], f"{name} asked the network for {visit.blocked}"
    assert visit.errors == [], f"{name}: page errors {visit.errors}"
    assert distinct_colours(visit.screenshot) > 50, f"{name} looks blank ({visit.screenshot})"
