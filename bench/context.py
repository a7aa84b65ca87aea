"""What every scenario is given: the generated data, how often to repeat, and the backend."""

from __future__ import annotations

from dataclasses import dataclass

from bench.dataset import Dataset


@dataclass
class Context:
    """Settings shared by the scenarios of one run."""

    dataset: Dataset
    repeat: int
    quick: bool = False  # the smoke test: tiny counts, no subprocess servers

    @property
    def backend(self) -> str:
        """`sqlite` or `postgresql`."""
        return "postgresql" if self.dataset.is_pg else "sqlite"
