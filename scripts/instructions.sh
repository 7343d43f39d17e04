#!/usr/bin/env bash
# Instruction counts (callgrind) and heap allocations (DHAT) of leadpool beside the naive
# baselines, on fixed workloads: the figures of README's "Speed" section.
#
#   scripts/instructions.sh            # everything (about ten minutes)
#   scripts/instructions.sh day        # only the rows whose workload starts with "day"
#
# Needs valgrind. Not run by CI (CI only builds the program, with `cargo bench --no-run`).
# Instruction counts do not depend on the machine's load, so one run is enough; they do depend
# on the compiler version. Each row runs benches/instructions.rs under
# `valgrind --tool=callgrind --toggle-collect='*callgrind_measured_region*'`, which counts only
# the measured part (not the workload's setup), and divides by the units it reports (leads,
# decisions, due clients). Allocations per lead: DHAT's total blocks with the measured part
# minus without it (`--skip`), divided by the leads.
set -euo pipefail
cd "$(dirname "$0")/.."
only="${1:-}"

command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
bin=$(cargo bench --bench instructions --no-run --message-format=json 2>/dev/null \
    | grep -o '"executable":"[^"]*instructions[^"]*"' | cut -d'"' -f4 | tail -1)
[ -x "$bin" ] || { echo "could not build benches/instructions.rs" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A copy, so rebuilding while the script runs cannot change what it measures.
cp "$bin" "$work/instructions"
bin="$work/instructions"

# Instructions per unit of one workload and side.
ir() {
    local out units collected
    out=$(valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
        --toggle-collect='*callgrind_measured_region*' "$bin" "$@" 2>"$work/err")
    units=$(sed -n 's/^units=//p' <<<"$out")
    collected=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/err")
    echo $(( (collected + units / 2) / units ))
}

# Heap allocations per unit of one workload and side.
allocs() {
    local units with without
    units=$("$bin" "$@" | sed -n 's/^units=//p')
    with=$(valgrind --tool=dhat --dhat-out-file=/dev/null "$bin" "$@" 2>&1 \
        | sed -n 's/.*Total: .* in \([0-9,]*\) blocks.*/\1/p' | tr -d ,)
    without=$(valgrind --tool=dhat --dhat-out-file=/dev/null "$bin" "$@" --skip 2>&1 \
        | sed -n 's/.*Total: .* in \([0-9,]*\) blocks.*/\1/p' | tr -d ,)
    awk -v a="$with" -v b="$without" -v u="$units" 'BEGIN { printf "%.1f", (a - b) / u }'
}

ratio() {
    awk -v n="$1" -v l="$2" 'BEGIN { r = n / l; if (r >= 100) printf "%.0f×", r; else if (r >= 10) printf "%.1f×", r; else printf "%.2f×", r }'
}

row() { # label, then the workload arguments without the side
    local label=$1; shift
    case "$*" in "$only"*) ;; *) return ;; esac
    local l n
    l=$(ir "$@" leadpool)
    n=$(ir "$@" naive)
    printf '| %s | %s | %s | %s |\n' "$label" "$l" "$n" "$(ratio "$n" "$l")"
}

echo "| workload (instructions per unit) | leadpool | naive | naive ÷ leadpool |"
echo "|---|---|---|---|"
row "day, 100 reps / 10k leads (per lead)" day 100 10000
row "day, 1,000 reps / 100k leads (per lead)" day 1000 100000
for strategy in round_robin territory skill score ranking least_loaded; do
    for reps in 10 1000 100000; do
        row "$strategy, $reps reps (per decision)" alloc "$strategy" "$reps"
    done
done
row "sweep, 100k clients, 1% due (per due client)" sweep 100000
row "sweep, 1M clients, 1% due (per due client)" sweep 1000000

# The lead workload's measured part split by who runs it (inclusive counts of the calls the
# workload makes, from the profile `ir` just wrote): the crate's deciding and applying of the
# three commands (`decide_into`, `evolve_owned`, `evolve`: the issue's "import, assign,
# follow-up, apply"), the crate's other calls (the allocator's pick and rotation, the explanation
# boxed), and the rest: the workload's own loop with the crate's small calls inlined into it (the
# client looked up, the view and request built, `evolve_reclaim`'s match) and the std code it calls
# (draining the buffer).
split() {
    local units=$1
    callgrind_annotate --tree=calling --inclusive=yes "$work/cg.out" 2>/dev/null | awk -v u="$units" '
        /^ *[0-9,]+ .*\*  / { show = ($0 ~ /callgrind_measured_region/)
            if (show) { n = $1; gsub(",", "", n); total = n }; next }
        /^ *[0-9,]+ .*>   / { if (show) { n = $1; gsub(",", "", n); l = $0; sub(/.*>   /, "", l)
                if (l ~ /leadpool::pool::decide::decide_into|leadpool::pool::state::apply::evolve/) cmd += n
                else if (l ~ /leadpool::/) other += n }
            next }
        /^$/ { show = 0 }
        END { printf "%.0f %.0f %.0f %.0f", cmd / u, other / u, (total - cmd - other) / u, total / u }'
}

case "lead" in "$only"*)
    read -r -a l100 <<<"$(ir lead 100 10000 leadpool >/dev/null && split 10000)"
    read -r -a l1000 <<<"$(ir lead 1000 100000 leadpool >/dev/null && split 100000)"
    echo
    echo "| the lead workload (instructions per lead) | 100 reps / 10k leads | 1,000 reps / 100k leads |"
    echo "|---|---|---|"
    printf '| **the crate'"'"'s own part**: the import, the assignment and the follow-up decided and applied (`decide_into`, `evolve_owned`, `evolve`) | %s | %s |\n' "${l100[0]}" "${l1000[0]}"
    printf '| the crate'"'"'s other calls: the round-robin pick and its rotation, the explanation boxed | %s | %s |\n' "${l100[1]}" "${l1000[1]}"
    printf '| the workload'"'"'s own loop, with the crate'"'"'s small calls inlined into it (the client looked up, the view and request built, `evolve_reclaim`'"'"'s match) and the buffers drained | %s | %s |\n' "${l100[2]}" "${l1000[2]}"
    printf '| the whole measured lead | %s | %s |\n' "${l100[3]}" "${l1000[3]}"
esac

case "allocs" in "$only"*)
    echo
    echo "| heap allocations per lead (DHAT) | leadpool | naive | naive ÷ leadpool |"
    echo "|---|---|---|---|"
    for size in "100 10000" "1000 100000"; do
        set -- $size
        l=$(allocs day "$1" "$2" leadpool)
        n=$(allocs day "$1" "$2" naive)
        printf '| day, %s reps / %s leads | %s | %s | %s |\n' "$1" "$2" "$l" "$n" "$(ratio "$n" "$l")"
    done
    printf '| the crate'"'"'s own part of a lead, 1,000 reps | %s | | |\n' "$(allocs lead 1000 100000 leadpool)"
esac
