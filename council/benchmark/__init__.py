"""The benchmark (issue 7): `script/benchmark`, or `python -m council.benchmark.run`. Nothing here
is loaded by the portal unless BENCHMARK=true, and only server.py then."""
