"""Every scenario of features/*.feature, with the step definitions of this package."""

from pytest_bdd import scenarios

from .steps_given import *  # noqa: F403
from .steps_then import *  # noqa: F403
from .steps_when import *  # noqa: F403

scenarios(".")
