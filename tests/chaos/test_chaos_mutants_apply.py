"""The mutants of tests/chaos/mutants.py still match the current source: each piece of durability
code they break is there exactly once (a refactoring that moves it must update the mutant, or the
mutation check would test nothing)."""

from __future__ import annotations

import shutil

import pytest

from tests.chaos.mutants import MUTANTS, REPO


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_mutant_applies_to_the_current_source(tmp_path, mutant):
    target = tmp_path / mutant.path
    target.parent.mkdir(parents=True)
    shutil.copy(REPO / mutant.path, target)
    mutant.apply(tmp_path)
    assert target.read_text(encoding="utf-8") != (REPO / mutant.path).read_text(encoding="utf-8")
    compile(target.read_text(encoding="utf-8"), str(target), "exec")  # still Python
