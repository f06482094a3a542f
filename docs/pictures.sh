#!/usr/bin/env bash
# Regenerates the pictures in docs/images from the examples, and writes docs/images/README.md
# with the date and command of each folder, so that no picture goes stale silently.
#
#   bash docs/pictures.sh          # every picture of a short run (minutes on 2 cores)
#   bash docs/pictures.sh --long   # also the 20-epoch runs of ch07-1 and ch08-1 (about 30 min),
#                                  # and ch08-2 from the 20-epoch DeepConvNet
#
# The short mode never overwrites a long run's pictures: ch07-1's 20-epoch curves are
# loss-20-epochs.png and accuracy-20-epochs.png, and ch08-1's and ch08-2's pictures are
# made only by --long.
set -euo pipefail
cd "$(dirname "$0")/.."
long=false
[ "${1:-}" = "--long" ] && long=true
log=$(mktemp)
trap 'rm -f "$log"' EXIT
stamp() { # folder, command
	echo "| \`$1\` | $(date -u +%Y-%m-%d) | \`$2\` |" >>"$log"
}
run() { # folder under docs/images, then the command
	local dir=$1
	shift
	echo "== $*"
	"$@"
	local cmd="$*"
	stamp "$dir" "${cmd//$tmp//tmp}"
}
tmp=$(mktemp -d)
run ch04-2-two-layer-net-numerical go run ./examples/ch04-2-two-layer-net-numerical -iters 100 -hidden 10 -batch 10 \
	-out docs/images/ch04-2-two-layer-net-numerical
for ex in ch01-1-plots ch03-1-activations \
	ch05-4-two-layer-net-backprop ch06-1-optimizer-compare ch06-2-weight-init-histograms \
	ch06-3-batchnorm-compare ch06-4-overfit-weight-decay ch06-5-overfit-dropout \
	ch06-6-hyperparameter-search ch06-7-newton ch06-8-sharpness ch07-2-visualize-filters \
	ch09-4-seq2seq-attention; do
	run "$ex" go run ./examples/$ex -out docs/images/$ex
done
run buy-apple-* go run ./examples/ch05-1-buy-apple -out docs/images
run buy-apple-orange-* go run ./examples/ch05-2-buy-apple-orange -out docs/images
mkdir -p docs/images/ch03-2-mnist-inference docs/images/ch07-1-simple-convnet docs/images/ch08-1-deep-convnet
run ch03-2-mnist-inference go run ./examples/ch03-2-mnist-inference -out "$tmp/ch03-2"
cp "$tmp/ch03-2/loss.png" docs/images/ch03-2-mnist-inference/
run "ch07-1-simple-convnet/{loss,accuracy}.png" go run ./examples/ch07-1-simple-convnet -out "$tmp/ch07-1"
cp "$tmp/ch07-1/loss.png" "$tmp/ch07-1/accuracy.png" docs/images/ch07-1-simple-convnet/
mkdir -p docs/images/ch09-1-mnist-lstm
run ch09-1-mnist-lstm go run ./examples/ch09-1-mnist-lstm -out "$tmp/ch09-1"
cp "$tmp/ch09-1/loss.png" "$tmp/ch09-1/accuracy.png" docs/images/ch09-1-mnist-lstm/
if $long; then
	run "ch07-1-simple-convnet/*-20-epochs.png" go run ./examples/ch07-1-simple-convnet -epochs 20 -out "$tmp/ch07-1-20"
	cp "$tmp/ch07-1-20/loss.png" docs/images/ch07-1-simple-convnet/loss-20-epochs.png
	cp "$tmp/ch07-1-20/accuracy.png" docs/images/ch07-1-simple-convnet/accuracy-20-epochs.png
	run ch08-1-deep-convnet go run ./examples/ch08-1-deep-convnet -out "$tmp/ch08-1"
	cp "$tmp/ch08-1/loss.png" "$tmp/ch08-1/accuracy.png" "$tmp/ch08-1/augmented.png" docs/images/ch08-1-deep-convnet/
	run ch08-2-misclassified go run ./examples/ch08-2-misclassified -weights "$tmp/ch08-1/params.safetensors" -out docs/images/ch08-2-misclassified
fi
rm -rf "$tmp"
# Only pictures belong in docs/images: the training examples also save their parameters.
find docs/images -name '*.safetensors' -delete

# docs/images/README.md: the newest date and command of each folder, older rows kept for
# the folders this run did not make.
readme=docs/images/README.md
old=$(mktemp)
[ -f "$readme" ] && grep '^| `' "$readme" >"$old" || true
{
	echo "# Pictures"
	echo
	echo "Made by the examples; \`bash docs/pictures.sh\` (\`--long\` for the 20-epoch runs) makes them"
	echo "again and rewrites this table. A \`/tmp\` folder in a command stands for a temporary one."
	echo
	echo "| pictures | made on | by |"
	echo "| --- | --- | --- |"
	{
		while IFS= read -r row; do
			key=$(echo "$row" | cut -d'|' -f2)
			grep -qF "|$key|" "$log" || echo "$row"
		done <"$old"
		awk -F'|' '{ last[$2] = $0 } END { for (k in last) print last[k] }' "$log"
	} | sort
} >"$readme.new"
mv "$readme.new" "$readme"
rm -f "$old"
echo "wrote $readme"
