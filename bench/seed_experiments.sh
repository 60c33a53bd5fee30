#!/bin/sh
# The seed paper's two experiments (DeVries et al. 2017, Figs. 2 and 3) and the shipped
# canonical surrogate, end to end: exact data -> training (remainder vs full target, same
# net) -> evaluation on the test grid -> figures -> model file. Results: bench/RESULTS.md.
#   SCALE (default 0.25) shrinks every grid axis; SIZES overrides single training axes
#   ("NXY,ND,NT,NM,NK", '-' keeps the scaled size); EPOCHS, LAYERS, WIDTH set the nets.
set -eu
SCALE=${SCALE:-0.25}
SIZES=${SIZES:--,-,-,-,-}
TEST_SIZES=${TEST_SIZES:--,-,-,-,-}
EPOCHS=${EPOCHS:-10}
LAYERS=${LAYERS:-6}
WIDTH=${WIDTH:-20}
OUT=${OUT:-out/seed}
V=${VISCOANN:-viscoann}

$V generate "$OUT/train" --grid train --scale "$SCALE" --sizes "$SIZES"
$V generate "$OUT/test" --grid test --scale "$SCALE" --sizes "$TEST_SIZES"
for target in remainder full; do
  $V train "$OUT/train" "$OUT/run_$target" --target $target --epochs "$EPOCHS" \
    --layers "$LAYERS" --width "$WIDTH"
done
$V plot canonical "$OUT/test" remainder="$OUT/run_remainder" full="$OUT/run_full" --out "$OUT/figs"
$V plot curves "$OUT/figs/training_curves.png" remainder="$OUT/run_remainder" full="$OUT/run_full"
$V plot warmup "$OUT/figs"
