#!/usr/bin/env bash
# `pip install .` as the README says, from the repository root into a fresh
# virtual environment that sees Debian's packages (setuptools, pybind11),
# then the manual's ping.py run by that environment's interpreter, outside
# the tree and without PYTHONPATH, against a pong responder of the same
# installed package: the package must work on its own (library included).
set -euo pipefail
source_dir=$1 scratch=$2 python=$3
rm -rf "$scratch"
mkdir -p "$scratch"
venv="$scratch/venv"
"$python" -m venv --system-site-packages "$venv"
# The main build's type: ccache then serves its objects (setup.py), so the
# check costs a link, not a second build of the library.
BROKER_PIP_BUILD_TYPE=${BROKER_PIP_BUILD_TYPE:-RelWithDebInfo} \
BROKER_PIP_JOBS=${BROKER_PIP_JOBS:-2} "$venv/bin/pip" install --quiet \
  --no-build-isolation --no-index --disable-pip-version-check "$source_dir"
cd "$scratch"
unset PYTHONPATH
export PYTHONDONTWRITEBYTECODE=1
"$venv/bin/python" -c 'import broker, sys; assert broker.__file__.startswith(sys.argv[1]), broker.__file__' "$venv"

# The responder stands in for Zeek's ping.zeek: pong(n) for each ping(n).
"$venv/bin/python" - >"$scratch/port" <<'PY' &
import broker
with broker.Endpoint() as ep, ep.make_subscriber("/topic/test") as sub:
    print(ep.listen("127.0.0.1", 0), flush=True)
    for _ in range(5):
        topic, data = sub.get(30.0)
        ping = broker.zeek.Event(data)
        ep.publish("/topic/test", broker.zeek.Event("pong", *ping.args()))
PY
responder=$!
trap 'kill $responder 2>/dev/null || true' EXIT
for _ in $(seq 300); do
  [ -s "$scratch/port" ] && break
  sleep 0.1
done
port=$(cat "$scratch/port")
out=$("$venv/bin/python" "$source_dir/examples/python/ping.py" "$port")
expected=$(printf 'received pong[%d]\n' 0 1 2 3 4)
if [ "$out" != "$expected" ]; then
  printf 'pip check: ping.py printed:\n%s\n' "$out" >&2
  exit 1
fi
wait $responder
echo "pip install check passed"
