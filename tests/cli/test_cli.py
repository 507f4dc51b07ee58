"""The command line end to end on a fresh database (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from tests.fixtures.commands import cli
from tests.ingest.helpers import ACCOUNT_HEADERS, account, write_csv

pytestmark = pytest.mark.db


class TestCommandLine:
    def test_a_user_creates_a_client_imports_a_file_and_reads_the_ageing(
        self, cli_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ):
        assert cli(capsys, "db", "upgrade")[0] == 0
        assert cli(capsys, "clients", "add", "acme", "--name", "Acme", "--currency", "USD")[0] == 0
        path = write_csv(
            tmp_path / "a.csv",
            ACCOUNT_HEADERS,
            [
                account("A1", due_on="2026-11-10"),
                account("A2", due_on="2026-06-01"),
                account("A3", principal="nope"),
            ],
        )
        code, out, _ = cli(capsys, "import", "accounts", str(path), "--client", "acme")
        assert code == 0
        assert "read 3 = inserted 2 + updated 0 + unchanged 0 + rejected 1" in out
        assert "first load into empty tables" in out  # the indexes were built at its end
        code, out, _ = cli(capsys, "import", "accounts", str(path), "--client", "acme")
        assert code == 0 and "first load" not in out
        code, out, _ = cli(capsys, "report", "aging", "--as-of", "2026-11-20", "--format", "csv")
        assert code == 0
        table = {r["bucket"]: r for r in csv.DictReader(io.StringIO(out))}
        assert table["1-30"]["accounts"] == "1" and table["1-30"]["balance"] == "1249.56"
        assert table["121-180"]["accounts"] == "1"
        assert table["current"]["accounts"] == "0"
        code, out, _ = cli(capsys, "report", "aging", "--as-of", "2026-11-20")
        assert code == 0 and "$1,249.56" in out
        code, out, _ = cli(capsys, "audit", "verify")
        assert code == 0 and "intact" in out

    def test_the_ageing_report_can_be_written_as_xlsx(
        self, cli_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ):
        cli(capsys, "clients", "add", "acme", "--name", "Acme")
        cli(
            capsys,
            "import",
            "accounts",
            str(write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, [account("A1")])),
            "--client",
            "acme",
        )
        target = tmp_path / "aging.xlsx"
        code, _, _ = cli(
            capsys, "report", "aging", "--scheme", "m", "--format", "xlsx", "-o", str(target)
        )
        assert code == 0
        from openpyxl import load_workbook

        sheet = load_workbook(target).active
        assert sheet is not None
        labels = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert labels[:2] == ["M0", "M1"] and labels[-1] == "M7+"

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["import", "accounts", "missing.csv", "--client", "acme"], "no such file"),
            (["import", "accounts", "{file}", "--client", "ghost"], "unknown client 'ghost'"),
            (
                ["import", "accounts", "{file}", "--client", "acme", "--mapping", "no-such"],
                "no-such",
            ),
            (["report", "aging", "--as-of", "yesterday"], "--as-of must be a date"),
            (["report", "aging", "--scheme", "weekly"], "weekly"),
            (["clients", "add", "acme", "--name", "Again"], "exists already"),
        ],
    )
    def test_mistakes_get_one_clear_line_and_a_non_zero_exit(
        self,
        cli_env: dict[str, str],
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        args: list[str],
        message: str,
    ):
        cli(capsys, "clients", "add", "acme", "--name", "Acme")
        path = write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, [account("A1")])
        code, _, err = cli(capsys, *(a.replace("{file}", str(path)) for a in args))
        assert code != 0
        assert message in err
        assert "Traceback" not in err
        assert len(err.strip().splitlines()) == 1

    def test_a_dry_run_from_the_command_line_writes_nothing(
        self, cli_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ):
        cli(capsys, "clients", "add", "acme", "--name", "Acme")
        path = write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, [account("A1")])
        code, out, _ = cli(capsys, "import", "accounts", str(path), "--client", "acme", "--dry-run")
        assert code == 0 and "dry run" in out
        code, out, _ = cli(capsys, "clients", "list")
        assert "0 accounts" in out


class TestDemo:
    def test_the_demo_loads_every_file_through_the_import_and_prints_the_ageing(
        self, cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]
    ):
        code, out, err = cli(capsys, "demo", "--accounts", "400", "--as-of", "2026-11-20")
        assert code == 0, err
        assert out.count("read ") >= 8
        assert "Ageing as of 2026-11-20" in out
        code, out, _ = cli(capsys, "clients", "list")
        assert out.count("accounts") == 4
        code, out, _ = cli(
            capsys, "demo", "--accounts", "400", "--as-of", "2026-11-20", "--no-report"
        )
        assert code == 0
        assert "inserted 0 + updated 0" in out


def test_the_installed_console_script_explains_every_command():
    result = subprocess.run(
        [sys.executable, "-m", "arrears", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    for command in ("db", "clients", "import", "report", "demo", "audit", "mappings"):
        assert command in result.stdout


def test_worker_processes_do_not_run_the_console_script_again(monkeypatch: pytest.MonkeyPatch):
    """The console script's main module is marked as the package's: a worker process
    (import validation, planning) then skips it instead of importing the whole CLI."""
    import types
    from multiprocessing import spawn

    from arrears.cli.main import _main_is_the_package

    script = types.ModuleType("__main__")
    script.__file__ = str(Path(sys.executable).parent / "arrears")
    script.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", script)
    assert "init_main_from_path" in spawn.get_preparation_data("worker")
    _main_is_the_package()
    prepared = spawn.get_preparation_data("worker")
    assert prepared.get("init_main_from_name") == "arrears.__main__"
    assert "init_main_from_path" not in prepared


class TestStartUp:
    """A command imports its own module, not the whole command line."""

    def test_an_import_loads_neither_the_pdf_engine_nor_the_web_app_nor_the_demo(self):
        probe = (
            "import sys\n"
            "from arrears.cli.main import run\n"
            "assert run(['import', 'accounts', '--help']) == 0\n"
            "heavy = ('weasyprint', 'pypdf', 'fastapi', 'uvicorn', 'faker', 'xlsxwriter',\n"
            "         'arrears.cli.commands.demo', 'arrears.cli.local_sandbox')\n"
            "print('loaded:', sorted(m for m in heavy if m in sys.modules))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", probe], check=False, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().endswith("loaded: []")

    def test_the_help_lists_every_command_and_each_answers_its_own_help(
        self, capsys: pytest.CaptureFixture[str]
    ):
        from arrears.cli.main import _COMMANDS

        code, out, _ = cli(capsys, "--help")
        assert code == 0
        listed = {line.split()[1] for line in out.splitlines() if line.startswith("│ ")}
        assert set(_COMMANDS) <= listed
        for name in _COMMANDS:
            assert cli(capsys, name, "--help")[0] == 0, name
        # A sub-command another module registers on a group is there when the group is run.
        assert cli(capsys, "users", "skills", "--help")[0] == 0
        assert cli(capsys, "--debug", "db", "--help")[0] == 0

    def test_a_mistyped_command_is_answered_by_the_whole_command_line(
        self, capsys: pytest.CaptureFixture[str]
    ):
        code, _, err = cli(capsys, "imprt", "accounts")
        assert code == 2 and "No such command 'imprt'. Did you mean 'import'?" in err
        assert "internal error" not in err  # a usage error, shown with the usage line
        code, _, err = cli(capsys, "report", "aging", "--format", "nope")
        assert code == 2 and "Invalid value for '--format'" in err


class TestPlanningCommands:
    def test_the_demo_is_planned_and_explained_from_the_command_line(
        self,
        cli_env: dict[str, str],
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ):
        from arrears.config import get_settings

        monkeypatch.setenv(
            "ARREARS_CONFIG_DIR", str(Path(__file__).resolve().parents[2] / "config")
        )
        get_settings.cache_clear()
        code, _, err = cli(
            capsys, "demo", "--accounts", "300", "--as-of", "2026-11-20", "--no-report"
        )
        assert code == 0, err
        # Two worker processes (a single partition of 300 accounts: the one worker's plan).
        code, out, err = cli(
            capsys, "plan", "--as-of", "2026-11-20", "--call-capacity", "10", "--workers", "2"
        )
        assert code == 0, err
        assert "Today's work by channel" in out and "Top suppressions by rule" in out
        assert "capacity" in out
        code, out, _ = cli(capsys, "strategies", "list")
        assert code == 0 and "cn-consumer-lending" in out
        code, out, _ = cli(capsys, "strategies", "validate")
        assert code == 0 and "valid" in out
        from sqlalchemy import create_engine, text

        engine = create_engine(cli_env["ARREARS_DATABASE_URL"])
        with engine.connect() as connection:
            ref, client = connection.execute(
                text(
                    "SELECT a.account_ref, c.code FROM planned_actions p JOIN accounts a"
                    " ON a.id = p.account_id JOIN clients c ON c.id = a.client_id"
                    " WHERE p.status = 'suppressed' AND p.suppressed_by = 'capacity' LIMIT 1"
                )
            ).one()
        engine.dispose()
        code, out, _ = cli(capsys, "explain", ref, "--client", client)
        assert code == 0 and "capacity" in out and "why:" in out
        code, out, _ = cli(capsys, "explain", ref, "--client", client, "--json")
        assert code == 0 and '"actions"' in out
        code, _, err = cli(capsys, "explain", "NO-SUCH-ACCOUNT")
        assert code == 2 and "no account 'NO-SUCH-ACCOUNT'" in err
