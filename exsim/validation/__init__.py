"""`exsim validate`: the model's own result tables against published figures (FACTS.md)."""

from exsim.validation.facts import Fact, load_facts
from exsim.validation.runner import run_validation

__all__ = ["Fact", "load_facts", "run_validation"]
