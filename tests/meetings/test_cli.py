"""`caseflow ballots import` reads a CSV into the complex's ballot list."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from caseflow.cli import main
from tests.factories import build_tree
from tests.meetings.helpers import BALLOT_CSV


@pytest.fixture
def env(runtime, monkeypatch, tmp_path):
    build_tree(runtime)
    monkeypatch.setattr("caseflow.cli.meetings.runtime", lambda: runtime)
    path = tmp_path / "rhine.csv"
    path.write_text(BALLOT_CSV, encoding="utf-8")
    return path


def test_a_ballot_list_is_imported_and_listed(env):
    runner = CliRunner()
    done = runner.invoke(main, ["ballots", "import", "rhine", str(env)])
    assert done.exit_code == 0, done.output
    assert "rhine: 6 exclusive parts imported" in done.output
    listed = runner.invoke(main, ["ballots", "list", "rhine"])
    assert '"owner_key": "developer"' in listed.output and '"area": "100.00"' in listed.output


def test_an_unknown_complex_is_a_plain_error(env):
    done = CliRunner().invoke(main, ["ballots", "import", "nowhere", str(env)])
    assert done.exit_code == 1 and "not_found: unit nowhere not found" in done.output


@pytest.fixture
def scene_ids(runtime, monkeypatch):
    from tests.meetings.helpers import add_other_city, scene, staff

    users = staff(runtime)
    add_other_city(runtime)
    monkeypatch.setattr("caseflow.cli.meetings.runtime", lambda: runtime)
    return scene(runtime, users["committee"])


@pytest.mark.parametrize("who", ["yibin-butler", "lotus-butler"])
def test_outsiders_are_refused_at_the_shell_too(scene_ids, who):
    runner = CliRunner()
    for args in (["meetings", "show", str(scene_ids["meeting"])],
                 ["votes", "ballots", str(scene_ids["vote"])],
                 ["votes", "result", str(scene_ids["vote"])],
                 ["ballots", "list", "rhine"]):
        done = runner.invoke(main, [*args, "--as", who])
        assert done.exit_code == 1 and "forbidden" in done.output, (args, done.output)
    listed = runner.invoke(main, ["meetings", "list", "--complex", "rhine", "--as", who])
    assert listed.exit_code == 0 and listed.output.strip() == "[]"


def test_a_leader_reads_masked_and_the_committee_reads_the_ballots(scene_ids):
    runner = CliRunner()
    shown = runner.invoke(main, ["meetings", "show", str(scene_ids["meeting"]), "--as", "leader"])
    assert shown.exit_code == 0, shown.output
    assert "陈**" in shown.output and "陈书记" not in shown.output
    assert "13812345678" not in shown.output
    ballots = runner.invoke(main, ["votes", "ballots", str(scene_ids["vote"]), "--as",
                                   "committee"])
    assert ballots.exit_code == 0 and '"voter_key": "zhao"' in ballots.output
    names = runner.invoke(main, ["ballots", "list", "rhine", "--as", "leader"])
    assert "王**" in names.output and "王先生" not in names.output


def test_an_outsider_cannot_import_a_ballot_list(scene_ids, tmp_path):
    path = tmp_path / "rhine.csv"
    path.write_text(BALLOT_CSV, encoding="utf-8")
    done = CliRunner().invoke(main, ["ballots", "import", "rhine", str(path), "--as",
                                     "yibin-butler"])
    assert done.exit_code == 1 and "forbidden" in done.output
