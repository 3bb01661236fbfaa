"""Where the parts of a ``verify`` search run: one part in this process, one per worker
process (``concurrent.futures``, a pool of one process per part, so that each part keeps its
live model and its share of the visited set), or one per Ray actor.

The search (``hoverify.properties.verify``) is the same over all three: each level it asks
every part to ``expand`` its frontier, which returns what the part did and one pickled batch
of offers per part (the fingerprint and path of each successor that part owns: the states
stay where they were found); then every part to ``admit`` the offers meant for it, which
returns the fingerprints it granted to each part; then every part to ``keep`` the states it
kept or was granted, giving some to the parts that hold fewer (``transfers``), which take
them with their next ``expand``. Here the batches travel through this process (worker
processes) or from actor to actor through Ray's object store (Ray); nothing else is
exchanged, and no protocol of our own carries it.

A part is built where it runs by ``make(index, count, stopping)`` (``verify.Plan.part``,
picklable); ``stopping()`` tells a part in the middle of a level to return what it did so far
(Ctrl-C and SIGTERM are the coordinator's: worker processes ignore SIGINT, and end with their
coordinator however it ends: ``_end_with_parent``).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from typing import Any

WAIT_SECONDS = 1.0  # how often a search waiting for its parts is told so
# What `--ray` says when Ray is not installed
RAY_MISSING = "--ray needs Ray: pip install -e '.[cluster]' (or ./install test,docs,cluster)"

class RayUnusable(Exception):
    """``--ray ADDRESS`` names no running cluster, or one with fewer CPUs than ``--workers``:
    bad input, said in one line."""


Make = Callable[[int, int, Callable[[], bool]], Any]
Waiting = Callable[[tuple[int, int] | None], None]


def start(make: Make, workers: int | None, ray: str | None) -> InProcess | Processes | RayActors:
    """The parts of a search: ``workers`` of them (None: one per core, or per CPU of the Ray
    cluster), on Ray when ``ray`` gives its address (``auto``, ``host:port``, or ``local``
    to start one in this process)."""
    if ray is not None:
        return RayActors(make, workers, ray)
    count = workers or os.cpu_count() or 1
    return InProcess(make) if count == 1 else Processes(make, count)


def _never() -> bool:
    return False


def transfers(sizes: Sequence[int]) -> list[list[int]]:
    """How many frontier states each part gives each other (``gives[p][q]``: from ``p`` to
    ``q``) so that each then holds the mean number, give or take one: the parts above it give
    their surplus to those below, in order; none moves for the remainder of the division."""
    count, total = len(sizes), sum(sizes)
    low, high = total // count, -(-total // count)
    gives = [[0] * count for _ in range(count)]
    short = [[part, low - size] for part, size in enumerate(sizes) if size < low]
    for part, size in enumerate(sizes):
        surplus = size - high
        while surplus > 0 and short:
            taker = short[0]
            moved = min(surplus, taker[1])
            gives[part][taker[0]] += moved
            surplus -= moved
            taker[1] -= moved
            if not taker[1]:
                short.pop(0)
    return gives


def _sizes(admitted: Sequence[Any]) -> list[int]:
    """Each part's next frontier from what ``admit`` reported: the states it kept, and
    those every part granted it."""
    return [level.frontier + sum(other.granted[part] for other in admitted)
            for part, level in enumerate(admitted)]


class InProcess:
    """One part, in this process: the plain breadth-first search, nothing pickled."""

    remote = False

    def __init__(self, make: Make) -> None:
        self.part = make(0, 1, _never)
        self.expanding = False

    def start(self) -> list[Any]:
        return [self.part.start()]

    def expand(self, waiting: Waiting, *args: Any) -> list[Any]:
        self.part.tick = waiting
        self.expanding = True  # until it returns: Ctrl-C may interrupt it
        summary, *_ = self.part.expand(*args)
        self.expanding = False
        return [summary]

    def admit(self, waiting: Waiting) -> list[Any]:
        _, *granted = self.part.admit(b"")
        summary, _ = self.part.keep([0], *granted)
        return [summary]

    def stop(self) -> list[Any]:
        """What the level interrupted (Ctrl-C, SIGTERM) did so far."""
        return [self.part.summary(None)] if self.expanding else []

    def close(self) -> None:
        self.part.exploration.close()


# -- worker processes ----------------------------------------------------------------------------
_PART: Any = None  # in a worker process: its part


def _begin(make: Make, index: int, count: int, stopping: Any) -> None:
    global _PART
    # Ctrl-C and SIGTERM are the coordinator's: a terminal and a job scheduler signal the
    # whole process group, and a worker that ended on its own broke the pool, the findings
    # so far unsaved (helper-267); the coordinator stops the workers itself
    # (``Processes.close``), and the kernel ends them with it (``_end_with_parent``)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _end_with_parent()
    _PART = make(index, count, stopping.is_set)


_PR_SET_PDEATHSIG = 1  # prctl(2), <linux/prctl.h>


def _end_with_parent() -> None:
    """On Linux, the kernel sends this worker SIGKILL when the thread that started it ends
    (prctl(2) PR_SET_PDEATHSIG): the coordinator's, which outlives its search, however it
    ends (SIGKILL, the OOM killer), not only by ``Processes.close`` (helper-251 #1: the
    workers of a killed coordinator ran on, searching)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _call(method: str, *args: Any) -> Any:
    return getattr(_PART, method)(*args)


class Processes:
    """One worker process per part: a pool of one process each, so that every call for a
    part reaches the process that holds it."""

    remote = True

    def __init__(self, make: Make, count: int) -> None:
        context = multiprocessing.get_context()
        self.stopping = context.Event()
        self.pools = [ProcessPoolExecutor(1, mp_context=context, initializer=_begin,
                                          initargs=(make, index, count, self.stopping))
                      for index in range(count)]
        self.pending: list[Future[Any]] = []
        self.expanding = False
        self.offers: list[list[bytes]] = []  # from each part, for each part
        self.given: list[tuple[bytes, ...]] = [() for _ in self.pools]  # for each part

    def start(self) -> list[Any]:
        return self._all([("start", ())] * len(self.pools), _quiet)

    def expand(self, waiting: Waiting, *args: Any) -> list[Any]:
        self.expanding = True
        done = self._all([("expand", (*args, *given)) for given in self.given], waiting)
        self.expanding = False
        self.given = [() for _ in self.pools]
        self.offers = [offers for _, *offers in done]
        return [summary for summary, *_ in done]

    def admit(self, waiting: Waiting) -> list[Any]:
        parts = range(len(self.pools))
        admitted = self._all([("admit", tuple(offers[part] for offers in self.offers))
                              for part in parts], waiting)
        self.offers = []
        gives = transfers(_sizes([summary for summary, *_ in admitted]))
        kept = self._all([("keep", (gives[part], *(granted[part] for _, *granted in admitted)))
                          for part in parts], waiting)
        self.given = [tuple(batches[part] for _, *batches in kept) for part in parts]
        return [summary for summary, *_ in kept]

    def stop(self) -> list[Any]:
        """What the level interrupted (Ctrl-C, SIGTERM) did so far: each part returns at once."""
        self.stopping.set()
        done = [future.result() for future in self.pending]
        return [summary for summary, *_ in done] if self.expanding else []

    def close(self) -> None:
        self.stopping.set()
        for pool in self.pools:
            pool.shutdown(wait=True, cancel_futures=True)

    def _all(self, calls: Sequence[tuple[str, tuple[Any, ...]]], waiting: Waiting) -> list[Any]:
        self.pending = [pool.submit(_call, method, *args)
                        for pool, (method, args) in zip(self.pools, calls, strict=True)]
        while wait(self.pending, timeout=WAIT_SECONDS).not_done:
            waiting(None)
        done = [future.result() for future in self.pending]
        self.pending = []
        return done


def _quiet(live: tuple[int, int] | None) -> None:
    pass


# -- Ray -----------------------------------------------------------------------------------------
class _Actor:
    """A part on a Ray actor; ``stop`` runs beside a call in course (two threads)."""

    def __init__(self, make: Make, index: int, count: int) -> None:
        self.stopping = threading.Event()
        self.part = make(index, count, self.stopping.is_set)

    def call(self, method: str, *args: Any) -> Any:
        return getattr(self.part, method)(*args)

    def stop(self) -> None:
        self.stopping.set()


PROBE_SECONDS = 10.0


# The addresses ray.init(address=...) takes (Ray 2.60, ray.init's docstring)
RAY_ADDRESSES = ("'auto' (the running cluster), 'local' (start Ray in this process), "
                 "HOST:PORT or ray://HOST:PORT (a Ray client server)")


def ray_endpoint(address: str) -> tuple[str, int] | None:
    """The host and port ``--ray ADDRESS`` names, None for ``auto`` and ``local`` (Ray finds
    or starts the cluster); a ValueError naming the forms Ray takes for anything else (Ray's
    own is a traceback: ``Invalid address format``). A host of IPv6 is in brackets."""
    if address in ("auto", "local"):
        return None
    host, colon, port = address.removeprefix("ray://").rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:  # an unbracketed IPv6 host, or more than one port
        host = ""
    if not (colon and host and host.isprintable() and not any(c.isspace() or c in "/[]"
                                                              for c in host)
            and port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise ValueError(f"--ray {address}: not the address of a Ray cluster; give "
                         f"{RAY_ADDRESSES}")
    return host, int(port)


def _listening(address: str) -> None:
    """``--ray HOST:PORT``: something listens there, asked before ``ray.init``, which retries
    an address with nothing behind it for minutes, logging each try (review16: more than 5
    minutes for ``bogus:1``). ``auto`` and ``local`` are Ray's to find."""
    endpoint = ray_endpoint(address)
    if endpoint is None:
        return
    host, port = endpoint
    try:
        socket.create_connection((host, port), timeout=PROBE_SECONDS).close()
    except OSError as error:
        reason = error.strerror or error
        raise RayUnusable(f"--ray {address}: no Ray cluster there (nothing answers at "
                             f"{host}:{port}: {reason})") from None


class RayActors:
    """One Ray actor per part; the batches of successors go from actor to actor."""

    remote = True

    def __init__(self, make: Make, workers: int | None, address: str) -> None:
        import ray

        self.ray = ray
        self.started = not ray.is_initialized()
        if self.started:
            _listening(address)
            try:
                # Ray's warnings, not its INFO lines ("Started a local Ray instance":
                # hoverify says the workers' start-up time itself, helper-265 #7)
                ray.init(address=None if address == "local" else address,
                         include_dashboard=False, log_to_driver=False,
                         logging_level=logging.WARNING)
            except ConnectionError as error:
                # Ray's own text names its CLI's --address flag (helper-265 #7): said in
                # hoverify's options instead where it looked for a running cluster itself
                said = (f"{error}" if address != "auto" else "none running on this machine, "
                        "nor at RAY_ADDRESS where set: start one (`ray start --head`), or "
                        "give --ray HOST:PORT, or --ray local for one of this command's own")
                raise RayUnusable(f"--ray {address}: no Ray cluster there ({said})") from None
        # an actor takes a CPU: one more than the cluster has would wait for it for ever,
        # Ray saying why only in its own logs (helper-241 #1)
        cpus = int(ray.cluster_resources().get("CPU", 0))
        if (workers or 1) > cpus:
            if self.started:
                ray.shutdown()
            raise RayUnusable(f"--ray {address}: the cluster has {cpus} CPU(s), and each "
                              f"worker takes one: give --workers {cpus} or fewer"
                              if workers else f"--ray {address}: the cluster has no CPU")
        count = workers or cpus
        actor = ray.remote(num_cpus=1, max_concurrency=2)(_Actor)
        self.actors = [actor.remote(make, index, count) for index in range(count)]
        self.pending: list[Any] = []
        self.expanding = False
        self.offers: list[list[Any]] = []  # from each actor, for each actor
        self.given: list[tuple[Any, ...]] = [() for _ in self.actors]  # for each actor

    def start(self) -> list[Any]:
        return self._all([actor.call.remote("start") for actor in self.actors], _quiet)

    def expand(self, waiting: Waiting, *args: Any) -> list[Any]:
        refs = self._each("expand", [(*args, *given) for given in self.given])
        self.given = [() for _ in self.actors]
        self.expanding = True
        summaries = self._all([summary for summary, *_ in refs], waiting)
        self.expanding = False
        self.offers = [offers for _, *offers in refs]
        return summaries

    def admit(self, waiting: Waiting) -> list[Any]:
        parts = range(len(self.actors))
        admitted = self._each("admit", [tuple(offers[part] for offers in self.offers)
                                        for part in parts])
        self.offers = []
        summaries = self._all([summary for summary, *_ in admitted], waiting)
        gives = transfers(_sizes(summaries))
        kept = self._each("keep", [(gives[part], *(granted[part] for _, *granted in admitted))
                                   for part in parts])
        self.given = [tuple(batches[part] for _, *batches in kept) for part in parts]
        return self._all([summary for summary, *_ in kept], waiting)

    def _each(self, method: str, args: Sequence[tuple[Any, ...]]) -> list[list[Any]]:
        """Call ``method`` on each actor with its ``args``: the references to what it
        returns, a summary and one batch per actor."""
        return [actor.call.options(num_returns=len(self.actors) + 1).remote(method, *arguments)
                for actor, arguments in zip(self.actors, args, strict=True)]

    def stop(self) -> list[Any]:
        """What the level interrupted (Ctrl-C, SIGTERM) did so far: each actor returns at once."""
        self.ray.get([actor.stop.remote() for actor in self.actors])
        done = self.ray.get(self.pending)
        return done if self.expanding else []

    def close(self) -> None:
        for actor in self.actors:
            self.ray.kill(actor)
        if self.started:
            self.ray.shutdown()

    def _all(self, refs: list[Any], waiting: Waiting) -> list[Any]:
        self.pending = refs
        while len(self.ray.wait(refs, num_returns=len(refs), timeout=WAIT_SECONDS)[0]) \
                < len(refs):
            waiting(None)
        done = self.ray.get(refs)
        self.pending = []
        return done
