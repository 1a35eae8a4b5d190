"""Signals are the command line's business, never the library's.

While a command runs, SIGTERM (`kill`, a scheduler's timeout) and SIGHUP (the terminal was
closed) stop it the way Ctrl-C does: KeyboardInterrupt, so an output being written is discarded
and a previous output file is kept, and the exit code is 130. Around each record of a batch the
three are deferred (`between_records`): durable_rules would swallow an exception raised inside
a rule action, and an interrupt inside the process pool's bookkeeping can hang its shutdown, so
the interrupt is raised when the record is done. Off the main thread (an application embedding
the CLI) signals are left alone.
"""
from __future__ import annotations

import contextlib
import signal
from typing import Any, Iterable, Iterator, TypeVar

T = TypeVar("T")
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


class _Stopper:
    """The handler of STOP_SIGNALS: raise KeyboardInterrupt now, or after the current record."""

    def __init__(self) -> None:
        self.deferring = False
        self.pending: int | None = None

    def __call__(self, signum: int, frame: Any) -> None:
        if self.deferring:
            self.pending = signum
            return
        raise KeyboardInterrupt

    def check(self) -> None:
        if self.pending is not None:
            self.pending = None
            raise KeyboardInterrupt


_stopper: _Stopper | None = None


@contextlib.contextmanager
def stop_like_interrupt() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP raise KeyboardInterrupt inside the block (main thread only);
    the previous handlers are restored after it."""
    global _stopper
    stopper = _Stopper()
    previous: dict[int, Any] = {}
    try:
        for signum in STOP_SIGNALS:
            if signal.getsignal(signum) is not signal.SIG_IGN:    # `nohup` keeps SIGHUP ignored
                previous[signum] = signal.signal(signum, stopper)
    except ValueError:                            # not the main thread
        pass
    outer, _stopper = _stopper, (stopper if previous else None)
    try:
        yield
    finally:
        _stopper = outer
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def between_records(results: Iterable[T]) -> Iterator[T]:
    """`results`, each computed with the stop signals deferred: an interrupt takes effect
    between records, never inside one."""
    stopper = _stopper
    iterator = iter(results)
    with contextlib.closing(iterator) if hasattr(iterator, "close") else contextlib.nullcontext():
        while True:
            if stopper is not None:
                stopper.deferring = True
            try:
                result = next(iterator, _END)
            finally:
                if stopper is not None:
                    stopper.deferring = False
            if stopper is not None:
                stopper.check()
            if result is _END:
                return
            yield result


_END: Any = object()
