#!/usr/bin/env bash
# Side-by-side benchmark (issue 15): reidrisk analyze against DuckDB and
# Polars on the same generated usage table, CSV and Parquet, with and
# without --subject account, alternating tools in every round.
#
#   benchmarks/sidebyside/run.sh [--rows N] [--rounds R] [--dir DIR]
#                                [--reidrisk NAME=BIN]... [--no-polars]
#
# --rows     rows of the generated table (10000000)
# --rounds   rounds; each runs every tool once on every case (3)
# --dir      where the data, the npm packages and the results go (a temp dir);
#            the table is generated once per --rows and reused
# --reidrisk a reidrisk binary to time, as NAME=BIN; repeat to compare builds
#            (default: reidrisk built from this worktree)
#
# Each run is timed with /usr/bin/time (wall, user+sys CPU, peak RSS); every
# tool's headline figures (rows, classes, k, sample uniques, k_subjects) must
# equal those of reidrisk's JSON, or the script fails. The table printed is
# the minimum over the rounds, with ratios reidrisk/peer. Not part of
# go test: it takes minutes.
set -euo pipefail
rows=10000000 rounds=3 dir="" polars=1
bins=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --reidrisk) bins+=("$2"); shift 2 ;;
    --no-polars) polars=0; shift ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ -n "$dir" ] || dir=$(mktemp -d /tmp/reidrisk-sidebyside.XXXX)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
command -v /usr/bin/time >/dev/null || { echo "run.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }

data="$dir/data-$rows"
if [ ! -s "$data/usage.parquet" ]; then
  mkdir -p "$data"
  echo "generating $rows rows into $data" >&2
  (cd "$root" && go run ./benchmarks/sidebyside/gen -rows "$rows" -dir "$data")
fi
if [ ! -d "$dir/npm/node_modules/@duckdb/node-api" ]; then
  mkdir -p "$dir/npm" && cp "$here/package.json" "$dir/npm/"
  (cd "$dir/npm" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
export NODE_PATH="$dir/npm/node_modules"
if [ ${#bins[@]} -eq 0 ]; then
  (cd "$root" && go build -o "$dir/reidrisk" ./cmd/reidrisk)
  bins=("reidrisk=$dir/reidrisk")
fi

qi=device,codec,resolution,media_type,country,hour
tools=()
for b in "${bins[@]}"; do tools+=("${b%%=*}"); done
tools+=(duckdb)
[ "$polars" = 1 ] && tools+=(polars)
out="$dir/results-$rows.tsv"
: > "$out"
cmdfor() { # tool file subject
  local tool=$1 file=$2 subject=$3
  case "$tool" in
    duckdb|polars) echo node "$here/peer.js" "$tool" "$file" "$qi" $subject ;;
    *) local bin
       for b in "${bins[@]}"; do [ "${b%%=*}" = "$tool" ] && bin=${b#*=}; done
       echo "$bin" analyze "$file" --qi "$qi" --format json ${subject:+--subject $subject} ;;
  esac
}
for r in $(seq 1 "$rounds"); do
  for fmt in parquet csv; do
    for subject in "" account; do
      case="$fmt${subject:+ --subject $subject}"
      # Alternate: rotate the tool order every round.
      n=${#tools[@]}
      for i in $(seq 0 $((n - 1))); do
        tool=${tools[$(( (i + r) % n ))]}
        res="$dir/out.json" tm="$dir/time.txt"
        /usr/bin/time -f "%e %U %S %M" -o "$tm" $(cmdfor "$tool" "$data/usage.$fmt" "$subject") > "$res"
        read -r wall user sys rss < "$tm"
        figs=$(node -e '
          const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
          const k = ["rows", "classes", "k", "sample_uniques"]; if (process.argv[2]) k.push("k_subjects");
          console.log(k.map((x) => x + "=" + r[x]).join(" "));' "$res" "$subject")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$case" "$tool" "$wall" "$user" "$sys" "$rss" >> "$out"
        printf '%s\t%s\t%s\n' "$case" "$tool" "$figs" >> "$out.figures"
        echo "round $r  $case  $tool: ${wall}s wall, $(echo "$user + $sys" | bc)s cpu, $((rss / 1024)) MB  [$figs]" >&2
      done
    done
  done
done
node "$here/summary.js" "$out" "${tools[0]}"
