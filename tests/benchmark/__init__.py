"""The benchmark tooling (benchmark/), which the product never imports."""
