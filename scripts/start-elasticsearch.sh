#!/usr/bin/env sh
# A local Elasticsearch-wire server (noida-db, installed with the test extra) on
# 127.0.0.1, for the demo and for trying the Elasticsearch store by hand:
#
#   sh scripts/start-elasticsearch.sh          # start in the background (idempotent)
#   sh scripts/start-elasticsearch.sh stop     # stop it; its data stays in the data dir
#   sh scripts/start-elasticsearch.sh status
#
# The test suite does not need this: each test session starts its own server on a free
# port (tests/elasticsearch_server.py). Not for production: see docs/ELASTICSEARCH.md.
set -eu
cd "$(dirname "$0")/.."
NOIDA=".venv/bin/noida-db"
[ -x "$NOIDA" ] || NOIDA="$(command -v noida-db || true)"
if [ -z "$NOIDA" ]; then
    echo "noida-db is not installed: run 'make setup' (it comes with the test extra)" >&2
    exit 2
fi
DATA_DIR="${ADCENSUS_NOIDA_DATA_DIR:-adcensus-data/noida}"
PORT="${ADCENSUS_NOIDA_PORT:-9200}"
mkdir -p "$DATA_DIR"
case "${1:-start}" in
    start) exec "$NOIDA" up --only elasticsearch --host 127.0.0.1 \
               --elasticsearch-port "$PORT" --data-dir "$DATA_DIR" ;;
    stop) exec "$NOIDA" down --data-dir "$DATA_DIR" ;;
    status) exec "$NOIDA" status --data-dir "$DATA_DIR" ;;
    *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
