#!/usr/bin/env bash
# Create .venv (Python 3.11) and install astrobio with its pinned dependencies.
# Idempotent: re-running only installs what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=""
for cand in python3.11 python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))'; then
    PY="$cand"; break
  fi
done
[ -n "$PY" ] || { echo "error: Python >= 3.11 is required" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
stamp=.venv/.astrobio-installed
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[setup] installing astrobio and pinned dependencies (constraints.txt)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  # torch: constraints.txt pins the CPU build (torch==X+cpu), published on PyTorch's own index.
  # Use it where pip already sees it, else add that index; where neither is reachable (only the
  # default package index), fall back to the plain torch==X wheel of the same version.
  torch_pin="$(sed -nE 's/^torch==([^ ;#]+).*/\1/p' constraints.txt)"
  torch_plain="${torch_pin%%+*}"
  torch_index="${ASTROBIO_TORCH_INDEX_URL:-https://download.pytorch.org/whl/cpu}"
  torch_found() {  # torch_found [pip options]: is torch==$torch_pin on the indexes pip would use?
    local listing
    listing="$(.venv/bin/python -m pip index versions torch "$@" 2>/dev/null)" || return 1
    grep -qE "(^|[ ,(])${torch_pin//+/\\+}([ ,)]|\$)" <<<"$listing"
  }
  constraints=constraints.txt
  pip_extra=()
  if [ -z "$torch_pin" ] || [ "$torch_pin" = "$torch_plain" ] || torch_found; then
    :
  elif torch_found --extra-index-url "$torch_index"; then
    pip_extra=(--extra-index-url "$torch_index")
  else
    echo "[setup] torch==$torch_pin is on no reachable index: installing the plain torch==$torch_plain wheel"
    constraints="$(mktemp)"
    sed -E "s/^torch==.*/torch==$torch_plain/" constraints.txt > "$constraints"
  fi
  .venv/bin/python -m pip install --quiet "${pip_extra[@]}" -c "$constraints" -e ".[dev]"
  if [ -n "$torch_plain" ] && ! .venv/bin/python -c \
      "import sys, torch; sys.exit(torch.__version__.split('+')[0] != '$torch_plain')"; then
    echo "error: torch $torch_plain did not install (check pip's index settings)" >&2
    exit 1
  fi
  [ "$constraints" = constraints.txt ] || rm -f "$constraints"
  echo "$want" > "$stamp"
fi
