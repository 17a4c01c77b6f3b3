#!/usr/bin/env bash
# Set up Nightshift on Debian/Ubuntu: system packages, .venv/ at the repository root,
# every Python dependency (pinned), and the `nightshift` command in .venv/bin/.
#
#   scripts/setup.sh          what `nightshift demo` needs
#   scripts/setup.sh --full   plus Coqui TTS, torch, MiniLM embeddings and the test tools
#
# Safe to run again: with nothing changed it finishes in seconds.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
MODE=base
[[ "${1:-}" == "--full" ]] && MODE=full

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- 1. system packages --------------------------------------------------------------
APT_PACKAGES=(python3 python3-venv python3-dev build-essential cmake git espeak-ng ffmpeg
  libportaudio2 libsndfile1 fonts-noto-cjk)
if [[ $MODE == full ]]; then
  APT_PACKAGES+=(nginx libnginx-mod-rtmp)  # a real RTMP server on loopback for the stream tests
  APT_PACKAGES+=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim)  # reads the AI label back
  APT_PACKAGES+=(chromium)  # the operator console's browser tests (Playwright drives this one)
fi
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  say "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- 2. the virtual environment ---------------------------------------------------------
PY=${PYTHON:-}
if [[ -z $PY ]]; then
  for cand in python3.11 python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PY=$cand; break
    fi
  done
fi
[[ -n $PY ]] || { echo "setup: Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2; exit 2; }
if [[ ! -x .venv/bin/python ]]; then
  say "creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
VPY="$ROOT/.venv/bin/python"

# A stamp of everything that decides what gets installed: unchanged stamp, nothing to do.
STAMP=.venv/.nightshift-setup-$MODE
want=$(cat pyproject.toml constraints.txt scripts/setup.sh 2>/dev/null | sha256sum | cut -c1-16)
if [[ -f $STAMP && $(cat "$STAMP") == "$want" ]] && .venv/bin/nightshift --version >/dev/null 2>&1; then
  say "already set up ($MODE); nothing to do"
  exit 0
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1
"$VPY" -m pip install -q --upgrade pip wheel setuptools

# --- 3. llama.cpp, built without native CPU kernels ------------------------------------
# The native build enables AMX kernels that segfault on some Xeons. The cache
# is bypassed so a wheel built with other flags is never reused.
if ! "$VPY" -c 'import llama_cpp, sys; sys.exit(llama_cpp.__version__ != "0.3.36")' 2>/dev/null; then
  say "building llama-cpp-python 0.3.36 (about 5 minutes on 2 cores)"
  CMAKE_ARGS="-DGGML_NATIVE=OFF" FORCE_CMAKE=1 "$VPY" -m pip install -q --no-cache-dir \
    --force-reinstall --no-deps llama-cpp-python==0.3.36
fi

# --- 4. everything else, pinned ------------------------------------------------------------
EXTRAS=""
[[ $MODE == full ]] && EXTRAS="[ml,dev]"
say "installing Python packages ($MODE)"
"$VPY" -m pip install -q -c constraints.txt -e ".$EXTRAS"

.venv/bin/nightshift --version >/dev/null
echo "$want" > "$STAMP"
say "ready: .venv/bin/nightshift"
