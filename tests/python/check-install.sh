#!/usr/bin/env bash
# Installs the library and the Python package from BUILD_DIR into a scratch
# prefix, then imports the package from there and round-trips a value through
# two peered endpoints: the installed extension must find the installed
# libbroker by itself (its RPATH), with no build-tree paths, and a store works.
set -euo pipefail
build_dir=$1 scratch=$2 python=$3 site_dir=$4
rm -rf "$scratch"
prefix="$scratch/prefix"
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
cmake --install "$build_dir" --prefix "$prefix" --component python >/dev/null
cd "$scratch"
PYTHONPATH="$prefix/$site_dir" PYTHONDONTWRITEBYTECODE=1 "$python" - "$prefix" <<'PY'
import sys
import broker
assert broker.__file__.startswith(sys.argv[1]), broker.__file__
with broker.Endpoint() as a, broker.Endpoint() as b, \
        a.make_subscriber("/t") as sub:
    port = a.listen("127.0.0.1", 0)
    assert b.peer("127.0.0.1", port, 1.0)
    b.publish("/t", (1, broker.Count(2)))
    assert sub.get(10.0) == ("/t", (1, broker.Count(2)))
    with a.attach_master("s", broker.Backend.Memory) as m:
        m.put("k", {1, 2})
        assert m.get("k") == {1, 2}
print("python install check passed")
PY
