"""pip install of the mmgraph package: compiles the binding together with the reader and writer
sources of this repository (no CMake needed). Offline, from the repository root:

    /usr/bin/python3 -m venv --system-site-packages .venv
    .venv/bin/pip install --no-build-isolation --no-index ./python

Needs python3-dev, pybind11-dev (or python3-pybind11), python3-numpy, libboost-dev,
libxxhash-dev, libutfcpp-dev, libhwy-dev, libarchive-dev and libhowardhinnant-date-dev;
setuptools and wheel come from the system site packages.
"""

import os
from pathlib import Path

from pybind11.setup_helpers import ParallelCompile, Pybind11Extension, build_ext
from setuptools import setup

# One compiler process per CPU (NPY_NUM_BUILD_JOBS=N sets another count): the extension is some forty
# translation units, which distutils would otherwise compile one after another.
ParallelCompile("NPY_NUM_BUILD_JOBS").install()

here = Path(__file__).resolve().parent
root = here.parent


def os_relative(path):
    # setuptools wants source paths relative to setup.py; the C++ library lives beside python/.
    return os.path.relpath(path, here)


# date/ptz.h does not compile as C++20: its one user is compiled as C++17 on its own, and its
# object linked into the extension (as import/CMakeLists.txt does).
CXX17_SOURCES = {"posix_rules.cpp"}
# What CMake's date::date-tz target adds: the system's tzdata, no locale-dependent parsing.
DATE_DEFINES = [("USE_OS_TZDB", "1"), ("ONLY_C_LOCALE", "1"), ("HAS_STRING_VIEW", "1")]


def sources(folder, cxx17=False):
    return sorted(os_relative(p) for p in (root / folder).glob("*.cpp") if (p.name in CXX17_SOURCES) == cxx17)


include_dirs = [os_relative(root / d) for d in ("format/include", "parallel/include", "reader/include", "writer/include", "import/include",
                                                  "reader/src")] + ["/usr/include/utf8cpp"]  # libutfcpp-dev: headers only


class BuildExt(build_ext):
    """pybind11's build_ext, with the C++17 sources compiled first and linked in."""

    def build_extension(self, ext):
        cxx17 = [str(root / "import" / "src" / name) for name in sorted(CXX17_SOURCES)]
        objects = self.compiler.compile(cxx17, output_dir=self.build_temp, macros=DATE_DEFINES,
                                        include_dirs=[str(here / d) for d in include_dirs], extra_postargs=["-std=c++17", "-fPIC"])
        ext.extra_objects = list(ext.extra_objects or []) + objects
        super().build_extension(ext)


extension = Pybind11Extension(
    "mmgraph._native",
    sources("python/src") + sources("reader/src") + sources("writer/src") + sources("import/src"),
    include_dirs=include_dirs,
    define_macros=DATE_DEFINES,
    libraries=["xxhash", "hwy_contrib", "hwy", "archive", "date-tz"],
    cxx_std=20,
)

setup(
    name="mmgraph",
    version="2.0.0",
    description="Memory-mapped read-only property-graph files, zero-copy into numpy, scipy and pandas",
    packages=["mmgraph"],
    package_data={"mmgraph": ["*.pyi", "py.typed"]},
    ext_modules=[extension],
    cmdclass={"build_ext": BuildExt},
    install_requires=["numpy"],
    extras_require={"pandas": ["pandas"], "scipy": ["scipy"], "networkx": ["networkx"]},
    python_requires=">=3.9",
    zip_safe=False,
)
