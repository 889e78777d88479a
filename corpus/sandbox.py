"""Parse PDF, DOCX and HTML files in a child process that is killed when it breaches a limit.

A damaged or hostile file can make a parser run for minutes or swallow gigabytes
(a DOCX of 700 KB that unpacks to 200 MB of XML took 2 GB and two minutes in
python-docx). Parsed here, such a file costs one skipped document: the child
process runs under an address-space limit (`RLIMIT_AS`), and a parse that takes
longer than the time limit gets the process killed; the next file starts a new one.
The build and the server only ever wait on a pipe, so they stay responsive (and
stoppable) whatever the parser does.

Plain text needs no parser and is read in-process.

The child is a fresh interpreter (`python -m corpus.sandbox`), so it holds only the
parsers, not the parent's model and index (a forked copy would inherit them, and
its address-space limit would mean nothing), and it never re-runs the parent's main
module as multiprocessing's `spawn` does. Requests and replies are pickled frames
over its stdin and stdout.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from corpus.config import CorpusTunables
from corpus.formats import (
    HTML_SUFFIXES,
    Extracted,
    ExtractionError,
    ExtractionLimits,
    ResourceLimitError,
    extract,
)

log = logging.getLogger(__name__)

# Formats whose parsers are third-party code over untrusted structure.
ISOLATED_SUFFIXES = frozenset((".pdf", ".docx", *HTML_SUFFIXES))


@dataclass(frozen=True)
class SandboxLimits:
    timeout_seconds: float
    memory_bytes: int
    parse: ExtractionLimits

    @classmethod
    def of(cls, config: CorpusTunables) -> SandboxLimits:
        return cls(
            timeout_seconds=config.extract_timeout_seconds,
            memory_bytes=config.extract_memory_mb * 1024 * 1024,
            parse=ExtractionLimits(config.max_unpacked_bytes, config.max_pdf_pages),
        )


def _serve(memory_bytes: int, limits: ExtractionLimits) -> None:
    """The child: extract each (name, bytes) received until told to stop (None)."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
    # The protocol owns the original stdout; anything a parser prints goes to stderr.
    replies = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)
    requests = Connection(0, writable=False)
    while True:
        try:
            request = requests.recv()
        except EOFError:
            return
        if request is None:
            return
        name, data = request
        try:
            replies.send(("ok", extract(Path(name), data, limits)))
        except ResourceLimitError as exc:
            replies.send(("limit", str(exc)))
            return  # what the parser left allocated must not fail the next file
        except ExtractionError as exc:
            replies.send(("error", str(exc)))
        except MemoryError:
            replies.send(("limit", "needs more memory to extract than the limit allows"))
            return


class ExtractionSandbox:
    """One parser process at a time, started on first use; thread-safe (calls queue)."""

    def __init__(self, limits: SandboxLimits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._requests: Connection | None = None
        self._replies: Connection | None = None

    def extract(self, path: Path, data: bytes) -> Extracted:
        """`corpus.formats.extract` under the time and memory limits.

        Raises:
            ExtractionError: the file is unreadable or breached a limit.
        """
        if path.suffix.lower() not in ISOLATED_SUFFIXES:
            return extract(path, data, self.limits.parse)
        with self._lock:
            requests, replies = self._connections()
            try:
                requests.send((path.name, data))
                if not replies.poll(self.limits.timeout_seconds):
                    self._stop(kill=True)
                    raise ResourceLimitError(
                        f"extraction took longer than {self.limits.timeout_seconds:g} s"
                    )
                status, payload = replies.recv()
            except (EOFError, OSError) as exc:
                # The child died: the kernel killed it, or a parser crashed the interpreter.
                self._stop(kill=True)
                raise ResourceLimitError(f"the parser process died ({exc or 'no reply'})") from exc
        if status == "ok":
            assert isinstance(payload, Extracted)
            return payload
        if status == "limit":
            raise ResourceLimitError(str(payload))
        raise ExtractionError(str(payload))

    def _connections(self) -> tuple[Connection, Connection]:
        if self._process is None or self._process.poll() is not None:
            self._stop(kill=True)
            limits = self.limits
            args = [str(limits.memory_bytes), str(limits.parse.max_unpacked_bytes)]
            args.append(str(limits.parse.max_pdf_pages))
            process = subprocess.Popen(
                [sys.executable, "-m", "corpus.sandbox", *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            assert process.stdin is not None and process.stdout is not None
            self._process = process
            self._requests = Connection(os.dup(process.stdin.fileno()), readable=False)
            self._replies = Connection(os.dup(process.stdout.fileno()), writable=False)
            process.stdin.close()
            process.stdout.close()
        assert self._requests is not None and self._replies is not None
        return self._requests, self._replies

    def _stop(self, kill: bool) -> None:
        process, requests, replies = self._process, self._requests, self._replies
        self._process = self._requests = self._replies = None
        if requests is not None:
            if not kill:
                with contextlib.suppress(OSError):
                    requests.send(None)
            requests.close()
        if replies is not None:
            replies.close()
        if process is not None:
            if kill:
                process.kill()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def close(self) -> None:
        with self._lock:
            self._stop(kill=False)


_shared: dict[SandboxLimits, ExtractionSandbox] = {}
_shared_lock = threading.Lock()


def shared_sandbox(config: CorpusTunables) -> ExtractionSandbox:
    """The process-wide sandbox for these limits (one parser process, reused by
    builds and uploads; stopped at exit)."""
    limits = SandboxLimits.of(config)
    with _shared_lock:
        if limits not in _shared:
            _shared[limits] = ExtractionSandbox(limits)
        return _shared[limits]


@atexit.register
def _close_all() -> None:
    for sandbox in list(_shared.values()):
        sandbox.close()


if __name__ == "__main__":
    _memory, _unpacked, _pages = (int(arg) for arg in sys.argv[1:4])
    _serve(_memory, ExtractionLimits(_unpacked, _pages))
