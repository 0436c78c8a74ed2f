"""Run a WSGI app on waitress in a background thread (port 0 picks a free port) and stop it
cleanly: used by `mock_gateways.serve` and by the contract tests."""

from __future__ import annotations

import contextlib
import logging
import threading
from types import TracebackType
from wsgiref.types import WSGIApplication

from waitress.server import create_server

try:  # waitress vendors asyncore as wasyncore
    from waitress import wasyncore
except ImportError:  # pragma: no cover
    wasyncore = None


class _TruncatedOnPurpose(logging.Filter):
    """The mocks' `timeout` fault sends half a body against a Content-Length for all of it, on
    purpose (common/app.py); waitress warns of each, which is no news to the one who asked."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("application returned too few bytes")


logging.getLogger("waitress").addFilter(_TruncatedOnPurpose())


class RunningServer:
    """A waitress server serving in a daemon thread; `url` is its base URL, `stop()` ends it."""

    def __init__(
        self, app: WSGIApplication, *, host: str = "127.0.0.1", port: int = 0, threads: int = 4
    ) -> None:
        self._server = create_server(app, host=host, port=port, threads=threads)
        bound_host = self._server.effective_host
        self.port = int(self._server.effective_port)
        self.url = f"http://{bound_host}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.run, name=f"waitress-{self.port}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Close the listening socket and every connection from inside the loop thread (so the
        loop sees an empty map and returns), then stop the worker threads."""
        if not self._thread.is_alive():
            return
        socket_map = self._server._map
        # OSError: the loop is already closing its sockets (the trigger's own among them) and
        # ends by itself, so there is only the thread to wait for.
        with contextlib.suppress(OSError):
            self._server.trigger.pull_trigger(lambda: wasyncore.close_all(socket_map))
        self._thread.join(timeout)
        self._server.task_dispatcher.shutdown(timeout=timeout)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
