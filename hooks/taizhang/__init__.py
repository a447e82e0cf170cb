"""taizhang: an inspection-rectification ledger kept as Markdown records.

The core turns records into checked, linked data and page texts without
importing MkDocs; `hooks/taizhang_hook.py` adapts it to MkDocs and `cli.py`
to the command line.
"""

import _thread
import sys
import types

__version__ = "0.1.0"


def _inspect_on_first_use() -> None:
    """`dataclasses` imports `inspect` (ast, dis, tokenize …: 13 ms of CPU, a tenth of
    `taizhang check` on 1,000 records) but uses it only for a class without a
    docstring, and every class here has one. Until something reads an attribute of
    it, `inspect` is an empty module that then runs inspect's own code in itself
    (PEP 562 __getattr__; what importlib's LazyLoader does, which Python 3.11's import
    statement sets off at once): one module object, the real one, from then on.
    Under MkDocs, `inspect` is imported long before taizhang: nothing changes there."""
    if "inspect" in sys.modules or not INSPECT_ON_FIRST_USE:
        return
    from importlib.machinery import PathFinder

    # The spec as import sets it: `import inspect` reads __spec__ without loading, and
    # importlib.util.find_spec("inspect") gives it back (it raises on a None __spec__).
    spec = PathFinder.find_spec("inspect")
    if spec is None or spec.loader is None:   # not a file on sys.path (frozen, embedded): import it as usual
        return
    module = types.ModuleType("inspect")
    vars(module).update(__spec__=spec, __loader__=spec.loader, __file__=spec.origin, __cached__=spec.cached,
                        __package__=spec.parent)
    lock = _thread.RLock()   # another thread waits while one loads, as on the import lock
    loading = []

    def __getattr__(name: str):
        with lock:
            if not loading:
                loading.append(True)
                try:
                    spec.loader.exec_module(module)
                except BaseException:   # as a failed import: gone from sys.modules, to be tried again
                    if sys.modules.get("inspect") is module:
                        del sys.modules["inspect"]
                    raise
                del module.__getattr__, module.__dir__   # only now: another thread's read comes here and waits
                loading.append(False)
            elif loading[-1]:   # read while inspect's own code runs, in this thread: not there (yet)
                raise AttributeError(f"module 'inspect' has no attribute {name!r}")
        return getattr(module, name)

    def __dir__():   # dir() lists inspect's names, as for the real module
        try:
            __getattr__("__name__")
        except AttributeError:   # asked while inspect's own code runs: the names so far
            pass
        return sorted(vars(module))

    module.__getattr__, module.__dir__ = __getattr__, __dir__
    sys.modules["inspect"] = module


INSPECT_ON_FIRST_USE = True   # False: imported at once, as dataclasses asks (read once, when taizhang is imported)
_inspect_on_first_use()
