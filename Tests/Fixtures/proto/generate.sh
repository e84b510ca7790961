#!/usr/bin/env bash
# Regenerates the TFProto fixtures with the oracle Python (TF 2.21 + tensorflow_hub 0.15).
# Python: $PYTHON, else .venv-oracle/bin/python in the repository root, else ../.venv-oracle.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
python="${PYTHON:-}"
for candidate in "$root/.venv-oracle/bin/python" "$root/../.venv-oracle/bin/python"; do
  if [[ -z "$python" && -x "$candidate" ]]; then python="$candidate"; fi
done
if [[ -z "$python" ]]; then
  echo "generate.sh: set PYTHON or create .venv-oracle (see Tests/Fixtures/oracle-requirements.txt)" >&2
  exit 1
fi
exec "$python" "$here/generate.py"
