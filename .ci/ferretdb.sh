# FerretDB 1.24.2 for the MongoDB adapter's tests: sourced by .ci/run.
#   ferretdb_build   builds the binary once into the cache (kept between runs)
#   ferretdb_start   builds if needed, starts it on a free loopback port with
#                    the SQLite handler and a throwaway data folder, and sets
#                    FERRETDB_URI (mongodb://127.0.0.1:PORT/)
#   ferretdb_stop    stops it and removes its data folder
# Build time, measured on this 2-core machine while shared with other work:
# 5 min 39 s for `go install` with nothing cached (module downloads included),
# 7 min 31 s for the build below with the modules cached but not the build;
# nothing once the binary is cached.

FERRETDB_VERSION=v1.24.2
FERRETDB_BIN="${XDG_CACHE_HOME:-$HOME/.cache}/movielens/ferretdb-$FERRETDB_VERSION"

ferretdb_build() {
  [ -x "$FERRETDB_BIN" ] && return 0
  if ! command -v go >/dev/null; then
    [ -x /usr/local/go/bin/go ] && PATH="$PATH:/usr/local/go/bin"
  fi
  if ! command -v go >/dev/null; then
    echo "go is not installed: installing Debian's golang-go"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null || return 1
  fi
  local started=$SECONDS src work
  # `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a
  # binary that panics at start: the module ships without the generated
  # build/version/version.txt. So: the same module source, that one file
  # written, then `go build`.
  src=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
    sed -nE 's/^\s*"Dir": "(.*)",?$/\1/p') || return 1
  [ -d "$src" ] || { echo "go mod download gave no source folder"; return 1; }
  work=$(mktemp -d)
  cp -r "$src/." "$work/" && chmod -R u+w "$work" &&
    echo "$FERRETDB_VERSION" >"$work/build/version/version.txt" &&
    mkdir -p "$(dirname "$FERRETDB_BIN")" &&
    (cd "$work" && go build -o "$FERRETDB_BIN.partial" ./cmd/ferretdb) &&
    mv "$FERRETDB_BIN.partial" "$FERRETDB_BIN"
  local status=$?
  rm -rf "$work"
  [ $status = 0 ] && echo "FerretDB $FERRETDB_VERSION built in $((SECONDS - started)) s"
  return $status
}

ferretdb_start() {
  ferretdb_build || return 1
  "$FERRETDB_BIN" --version | head -1
  FERRETDB_DIR=$(mktemp -d)
  mkdir -p "$FERRETDB_DIR/data"
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$FERRETDB_DIR/data/" \
    --state-dir="$FERRETDB_DIR" --listen-addr="127.0.0.1:$port" \
    --debug-addr=- --telemetry=disable --log-level=warn \
    >"$FERRETDB_DIR/ferretdb.log" 2>&1 &
  FERRETDB_PID=$!
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      FERRETDB_URI="mongodb://127.0.0.1:$port/"
      export FERRETDB_URI
      echo "FerretDB listening on 127.0.0.1:$port (pid $FERRETDB_PID)"
      return 0
    fi
    kill -0 "$FERRETDB_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "FerretDB did not start:"
  cat "$FERRETDB_DIR/ferretdb.log"
  ferretdb_stop
  return 1
}

ferretdb_stop() {
  [ -n "${FERRETDB_PID:-}" ] && kill "$FERRETDB_PID" 2>/dev/null && wait "$FERRETDB_PID" 2>/dev/null
  [ -n "${FERRETDB_DIR:-}" ] && rm -rf "$FERRETDB_DIR"
  FERRETDB_PID="" FERRETDB_DIR=""
}
