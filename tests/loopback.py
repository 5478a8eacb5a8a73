"""What the loopback fakes of outside services share (tests/gigachat_server.py, tests/fake_wb.py): an
HTTP server on 127.0.0.1 in a thread of its own, handler connections tracked so ``stop()`` wakes
those idle on keep-alive, and a watchdog that stops it after ``lifetime`` seconds even if a test
forgets."""

from __future__ import annotations

import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class LoopbackServer:
    """A base for a fake service: subclasses set ``self._lock`` first and give their handler class."""

    _lock: threading.Lock | threading.RLock

    def _start_server(self, handler: type[BaseHTTPRequestHandler], *, name: str, lifetime: float,
                      tls: ssl.SSLContext | None = None) -> None:
        self._stopping = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._server = _Server(("127.0.0.1", 0), handler)
        self._server.fake = self
        if tls is not None:
            # Handshakes happen lazily in handler threads, so a refused client never blocks accept().
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True,
                                                  do_handshake_on_connect=False)
        self.port = self._server.server_address[1]
        # A short poll interval: stop() returns at once instead of after the default 0.5 s.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), name=name,
                                        daemon=True)
        self._watchdog = threading.Timer(lifetime, self.stop)
        self._watchdog.daemon = True

    def __enter__(self) -> Any:
        self._thread.start()
        self._watchdog.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._watchdog.cancel()
        self._server.shutdown()
        with self._lock:
            for sock in self._sockets:  # wake handlers blocked on idle keep-alive connections
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self._server.server_close()
        self._thread.join(5)


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() then joins every handler thread
    fake: Any

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # failed handshakes and clients that hang up are expected here, not noise to print


class TrackedHandler(BaseHTTPRequestHandler):
    """Keep-alive like the real services; each connection known to the fake while it is open."""

    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 10  # an idle connection frees its thread

    @property
    def fake(self) -> Any:
        return self.server.fake

    def setup(self) -> None:
        super().setup()
        with self.fake._lock:
            self.fake._sockets.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.fake._lock:
                self.fake._sockets.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # keep test output clean
