#!/usr/bin/env bash
# Medians of `go test -bench -count N` output: one line per benchmark with the median of each
# metric it reported (ns/op, samples/s, images/s, GFLOP/s, peak-heap-MB, ...).
#
#	go test ./bench -run '^$' -bench . -count 5 | tee bench.txt
#	bench/medians.sh bench.txt
set -euo pipefail
awk '
/^Benchmark/ {
	name = $1
	if (!(name in seen)) { seen[name] = 1; order[++nb] = name }
	for (i = 3; i + 1 <= NF; i += 2) {
		unit = $(i + 1)
		key = name SUBSEP unit
		if (!(key in cnt)) { units[name] = units[name] " " unit }
		vals[key, ++cnt[key]] = $i
	}
}
END {
	for (b = 1; b <= nb; b++) {
		name = order[b]
		line = sprintf("%-44s", name)
		n = split(substr(units[name], 2), us, " ")
		for (u = 1; u <= n; u++) {
			key = name SUBSEP us[u]
			c = cnt[key]
			for (i = 1; i <= c; i++) a[i] = vals[key, i] + 0
			for (i = 2; i <= c; i++) { v = a[i]; j = i - 1; while (j >= 1 && a[j] > v) { a[j + 1] = a[j]; j-- } a[j + 1] = v }
			med = (c % 2) ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
			line = line sprintf("  %12.4g %s", med, us[u])
		}
		print line
	}
}' "$@"
