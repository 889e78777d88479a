"""docker-compose.yml without a Docker engine: every command is one the CLI accepts,
every REPORTQA_ variable is a setting, and the start order makes the schema and the
first build exist before any replica or worker starts."""

from __future__ import annotations

import shlex
from typing import Any

import pytest
import yaml

from service.cli import build_parser
from service.settings import Settings
from tests.conftest import REPO


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def _reportqa_commands(command: list[str]) -> list[list[str]]:
    if command[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in command[2].split("&&")]
    return [command]


def test_services_and_start_order(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"db", "init", "worker", "api"}
    assert services["init"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("worker", "api"):
        assert services[name]["depends_on"]["init"]["condition"] == (
            "service_completed_successfully"
        )
    assert services["api"]["deploy"]["replicas"] >= 2
    assert "pgvector" in services["db"]["image"]


def test_every_command_is_a_reportqa_command(compose: dict[str, Any]) -> None:
    parser = build_parser()
    seen = []
    for name in ("init", "worker", "api"):
        for argv in _reportqa_commands(compose["services"][name]["command"]):
            assert argv[0] == "reportqa", argv
            parser.parse_args(argv[1:])  # exits (fails the test) on an unknown option
            seen.append(argv[1])
    assert seen == ["db", "index", "worker", "serve"]


def test_every_variable_is_a_setting(compose: dict[str, Any]) -> None:
    environment = compose["x-reportqa-env"]
    assert environment["REPORTQA_BACKEND"] == "postgres"
    fields = {f"REPORTQA_{name.upper()}" for name in Settings.model_fields}
    assert set(environment) <= fields, set(environment) - fields
    for name in ("init", "worker", "api"):
        assert compose["services"][name]["environment"] == environment
