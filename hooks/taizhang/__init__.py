"""taizhang: an inspection-rectification ledger kept as Markdown records.

The core turns records into checked, linked data and page texts without
importing MkDocs; `hooks/taizhang_hook.py` adapts it to MkDocs and `cli.py`
to the command line.
"""

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
    module = types.ModuleType("inspect")
    loading = []

    def __getattr__(name: str):
        if loading:   # read while inspect's own code runs: not there (yet)
            raise AttributeError(f"module 'inspect' has no attribute {name!r}")
        loading.append(True)
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec("inspect")
        del module.__getattr__
        vars(module).update(__spec__=spec, __loader__=spec.loader, __file__=spec.origin)   # as import sets them
        spec.loader.exec_module(module)
        return getattr(module, name)

    module.__getattr__ = __getattr__
    sys.modules["inspect"] = module


INSPECT_ON_FIRST_USE = True   # False: imported at once, as dataclasses asks (tests compare)
_inspect_on_first_use()
