"""Run the demo market on a loopback address: in a thread (tests) or in the foreground (CLI)."""

from __future__ import annotations

import ipaddress
import signal
import socket
import threading
import time
from collections.abc import Callable

import uvicorn

from crawler.demo_market.app import create_app
from crawler.demo_market.faults import FaultInjector, Faults
from crawler.demo_market.generator import generate
from crawler.demo_market.market import Market


def _loopback(host: str) -> str:
    """`host` as a loopback IP literal; anything else is refused."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"demo market host must be a loopback address, got {host!r}") from None
    if not address.is_loopback:
        raise ValueError(f"demo market host must be a loopback address, got {host!r}")
    return str(address)


class MarketServer:
    """A uvicorn server for `market` in a daemon thread; use as a context manager."""

    def __init__(self, market: Market, host: str = "127.0.0.1", port: int = 0,
                 faults: Faults | None = None):
        self.market = market
        self.faults = faults if faults is not None else Faults()
        self.host = _loopback(host)
        self._requested_port = port
        self.port: int | None = None
        self._sock: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("server not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self, timeout: float = 10.0) -> MarketServer:
        if self._thread is not None:
            raise RuntimeError("server already started")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # proto must be IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that
        # say so, and without it every response waits ~40 ms on Nagle + delayed ACK.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            # Binding here, before uvicorn runs, makes port 0 race-free: the port is
            # known and reserved before any client is told about it.
            sock.bind((self.host, self._requested_port))
        except OSError:
            sock.close()
            raise
        self._sock = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            FaultInjector(create_app(self.market), self.faults), host=self.host, port=self.port,
            log_level="warning", access_log=False, lifespan="off", ws="none",
            log_config=None,  # leave the host process's logging alone
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"demo-market-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive():
                self.stop()
                raise RuntimeError("demo market server failed to start")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("demo market server did not start in time")
            time.sleep(0.005)
        return self

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 5.0) -> None:
        """Shut down and release the socket; calling it again does nothing."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None

    def __enter__(self) -> MarketServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def serve_forever(seed: int = 1, listings: int = 2000, host: str = "127.0.0.1",
                  port: int = 8000, on_ready: Callable[[str], None] | None = None,
                  advance_days: int = 0, horizon_days: int = 60) -> None:
    """Serve a fresh market until SIGINT/SIGTERM, then return normally.

    uvicorn runs in a worker thread, so it installs no signal handlers; ours only set
    an event, which turns Ctrl-C into a clean shutdown (exit status 0) rather than a
    KeyboardInterrupt traceback.
    """
    host = _loopback(host)
    market = generate(seed=seed, listings=listings, horizon_days=horizon_days)
    if advance_days:
        market.advance(advance_days)
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda signum, frame: stop.set())
    try:
        with MarketServer(market, host, port) as server:
            if on_ready is not None:
                on_ready(server.url)
            while not stop.wait(0.2):
                if not server.alive:
                    raise RuntimeError("demo market server stopped unexpectedly")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
