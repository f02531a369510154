#!/usr/bin/env bash
# One entry point for set-up: creates .venv, installs gxcrawl with its test extras, then runs a job.
#   ./dev.sh demo    install, then crawl the bundled demo portal into archive/ (the main job)
#   ./dev.sh test    install, then run the whole test suite
#   ./dev.sh install install only
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
stamp=.venv/.gxcrawl-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e '.[test]'
    touch "$stamp"
fi
cmd=${1:-install}
shift || true
case "$cmd" in
    install) ;;
    demo)
        # Chromium renders the JS-only demo site; it is optional: install it where set-up can (root with apt),
        # otherwise the demo runs without it and says how to add it
        if [ -z "${GXCRAWL_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 \
                && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "dev.sh: installing Chromium (apt-get install chromium) for the JS-only demo site…" >&2
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 \
                || echo "dev.sh: could not install Chromium; the demo runs without the browser" >&2
        fi
        exec .venv/bin/gxcrawl demo "$@" ;;
    test)
        set +e
        .venv/bin/python -m pytest "$@"
        rc=$?
        # pytest's 5 means "no tests collected": that must never pass silently
        if [ "$rc" -eq 5 ]; then echo "dev.sh: no tests were collected" >&2; exit 1; fi
        exit "$rc"
        ;;
    *) echo "usage: ./dev.sh {install|demo|test} [args]" >&2; exit 2 ;;
esac
