# Finds the interpreter and pybind11 for the Python bindings and defines
# BROKER_ENABLE_PYTHON (ON by default when both are there).
#
# Debian's /usr/bin/python3 is the default interpreter on purpose: a python3
# earlier on PATH (pyenv and the like) may not see Debian's pybind11 and
# pytest packages. Override with -DPython3_EXECUTABLE=... (or the older
# -DPYTHON_EXECUTABLE=...).
if(NOT Python3_EXECUTABLE)
  if(PYTHON_EXECUTABLE)
    set(Python3_EXECUTABLE "${PYTHON_EXECUTABLE}")
  elseif(EXISTS /usr/bin/python3)
    set(Python3_EXECUTABLE /usr/bin/python3)
  endif()
endif()

# The sanitizer and fuzz builds would only pay the (long) compile time of the
# module: a sanitized extension cannot load into a plain interpreter anyway.
if(BROKER_SANITIZERS OR BROKER_ENABLE_FUZZ)
  set(_broker_python_default OFF)
else()
  find_package(Python3 COMPONENTS Interpreter Development.Module QUIET)
  find_package(pybind11 CONFIG QUIET)
  if(Python3_FOUND AND pybind11_FOUND)
    set(_broker_python_default ON)
  else()
    set(_broker_python_default OFF)
  endif()
endif()

option(BROKER_ENABLE_PYTHON "Build the Python bindings (pybind11)"
       ${_broker_python_default})
