"""deploydl.settings' field limits that mutation testing found unchecked."""

import pytest
from pydantic import ValidationError

from deploydl.settings import Settings


@pytest.mark.parametrize(
    "bad", [{"port": 65536}, {"port": -1}, {"max_body_bytes": 0}, {"torch_threads": 0}]
)
def test_a_port_outside_0_to_65535_or_a_zero_limit_is_refused(bad):
    with pytest.raises(ValidationError, match=next(iter(bad))):
        Settings(**bad)


def test_the_highest_port_is_accepted_and_an_empty_window_means_none():
    """An empty release window leaves every hour open: it reads as no window at all."""
    settings = Settings(port=65535, release_window="")
    assert (settings.port, settings.release_window) == (65535, None)
