"""`pip install .`: builds libbroker and the extension broker._broker with
CMake (Release, no tests, tools or benchmarks) and packages them together
with the pure-Python modules. The extension finds the library beside itself
(RPATH $ORIGIN, BROKER_PYTHON_BUNDLE), so the installed package needs
nothing outside the environment but the system libraries it links.

BROKER_PIP_JOBS sets the build's parallelism (default: the CPU count) and
BROKER_PIP_BUILD_TYPE the CMake build type (default Release). The CMake tree
is build-pip-cmake/, beside build/: at the same depth, with the same flags
(the test uses RelWithDebInfo), ccache serves the main build's objects
(CMakeLists.txt sets CCACHE_BASEDIR)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        tree = ROOT / "build-pip-cmake"
        package = Path(self.get_ext_fullpath(ext.name)).resolve().parent
        self.configure(tree)
        jobs = os.environ.get("BROKER_PIP_JOBS", str(os.cpu_count() or 1))
        subprocess.check_call(["cmake", "--build", str(tree), "--target",
                               "_broker", "-j", jobs])
        package.mkdir(parents=True, exist_ok=True)
        # The package as the build tree has it: extension and .py files.
        for item in (tree / "python" / "broker").iterdir():
            if item.is_file():
                shutil.copy2(item, package / item.name)
        # The library under its soname, which the extension asks for.
        for lib in (tree / "src").glob("libbroker.so.*"):
            if lib.name.count(".") == 2:  # libbroker.so.N
                shutil.copy2(lib, package / lib.name)

    def configure(self, tree):
        args = ["cmake", "-S", str(ROOT), "-B", str(tree),
                "-DCMAKE_BUILD_TYPE="
                + os.environ.get("BROKER_PIP_BUILD_TYPE", "Release"),
                "-DBROKER_ENABLE_TESTS=OFF", "-DBROKER_ENABLE_BENCH=OFF",
                "-DBROKER_ENABLE_PYTHON=ON", "-DBROKER_PYTHON_BUNDLE=ON",
                "-DPython3_EXECUTABLE=" + sys.executable]
        if shutil.which("ninja") and not (tree / "CMakeCache.txt").exists():
            args += ["-G", "Ninja"]
        subprocess.check_call(args)


setup(ext_modules=[CMakeExtension("broker._broker")],
      cmdclass={"build_ext": CMakeBuild})
