"""Flow runs started by ``bidboard serve`` from a warm process: a fork, not a fresh Python.

By default Prefect's runner starts each flow run as ``python -m prefect.engine``: a new
interpreter that imports Prefect and the flow's modules again (about 2.5 s of CPU, most of a
Custom run's wait between Submit and Running). ``serve`` has the flows in memory, so it hands
them to the runner (the in-memory path ``flow.serve()`` takes) and has them started from a
``multiprocessing`` fork server that imported Prefect, the flow engine and every flow once, when
``serve`` started. Each run is then a fork of that single-threaded process: a fresh process with
its own state, which starts in a few milliseconds and stops like any other run (the runner
signals it by pid; the watchdog of ``serve`` stops it and the fork server with the rest).

The runner hands the flow to the run's process pickled (cloudpickle). A flow pickled by value
loses its module's globals, and with them what its string annotations name (``Annotated``:
"``Add_JobModel`` is not fully defined"), so a served flow is pickled by name instead: the run's
process takes it from its module, imported already, exactly as ``python -m prefect.engine``
would have imported it.

The seams used are Prefect 3.x internals (the runner's deployment registry and the engine's
``multiprocessing`` module). When one is missing, ``serve`` says so and runs start the default way.
"""

from __future__ import annotations

import copyreg
import importlib
import multiprocessing
import multiprocessing.context
from collections.abc import Iterable
from typing import Any

#: imported once by the fork server, so that a run's process has them already
ENGINE_MODULES = ("prefect", "prefect.engine", "prefect.flow_engine", __name__)
#: id of each served flow -> (its module, its name there)
_BY_NAME: dict[int, tuple[str, str]] = {}


def flow_named(module: str, name: str) -> Any:
    """The flow ``name`` of ``module`` (how a served flow is unpickled in a run's process)."""
    return getattr(importlib.import_module(module), name)


def _reduce_flow(flow: Any) -> Any:
    where = _BY_NAME.get(id(flow))
    if where is not None:
        return flow_named, where
    return object.__reduce_ex__(flow, 4)  # any other flow: pickled as Prefect would


class _WarmMultiprocessing:
    """Stands in for the ``multiprocessing`` module inside ``prefect.flow_engine``: its
    ``get_context("spawn")`` is the fork server's context; everything else is the real module."""

    def __init__(self, context: multiprocessing.context.BaseContext) -> None:
        self._context = context

    def get_context(self, method: str | None = None) -> multiprocessing.context.BaseContext:
        return self._context

    def __getattr__(self, name: str) -> Any:
        return getattr(multiprocessing, name)


def start_runs_warm(runner: Any, flows: Iterable[tuple[Any, Any]]) -> str | None:
    """Have ``runner`` start the runs of these deployments (id, flow) from a warm fork server,
    which is started here (it imports for a second or two beside ``serve``). Returns why not
    when this Prefect has not the seams it needs (runs then start the default way)."""
    try:
        import prefect.flow_engine as engine

        registry = runner._deployment_registry
        register = registry.register_flow
    except (ImportError, AttributeError) as error:
        return f"this Prefect has no in-memory flow path ({error})"
    if not isinstance(getattr(engine, "multiprocessing", None), type(multiprocessing)):
        return "prefect.flow_engine does not start runs through multiprocessing"
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return "this platform has no multiprocessing fork server"
    flows = list(flows)
    names = {id(flow): (flow.fn.__module__, flow.fn.__name__) for _, flow in flows}
    for _, flow in flows:
        if flow_named(*names[id(flow)]) is not flow:
            return f"the flow {flow.name} is not its module's {flow.fn.__name__}"
    _BY_NAME.update(names)
    for kind in {type(flow) for _, flow in flows}:
        copyreg.pickle(kind, _reduce_flow)
    context = multiprocessing.get_context("forkserver")
    modules = {*ENGINE_MODULES, *(module for module, _ in names.values())}
    context.set_forkserver_preload(sorted(modules))
    setattr(engine, "multiprocessing", _WarmMultiprocessing(context))  # noqa: B010
    for deployment_id, flow in flows:
        register(deployment_id, flow)
    from multiprocessing import forkserver

    forkserver.ensure_running()  # its imports now, not on the first run
    return None
