"""Imports of the optional dependencies, on first use, with a message naming what needs them."""

import importlib

_DEBIAN = {"pandas": "python3-pandas", "dask": "python3-dask", "distributed": "python3-distributed", "scipy": "scipy (python3-scipy)", "networkx": "python3-networkx"}


def require(module, needed_by):
    try:
        return importlib.import_module(module)
    except ImportError as error:
        package = module.split(".")[0]
        raise ImportError(
            f"{needed_by} needs {package}, which is not installed (Debian package: {_DEBIAN.get(package, package)})"
        ) from error
