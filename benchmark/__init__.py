"""The benchmark (issue 7): `script/benchmark`, or `python -m benchmark.run`. It lives beside the
product, never inside it: the portal imports nothing from here, and only the benchmark's server
(DJANGO_SETTINGS_MODULE=benchmark.settings) loads server.py and urls.py."""
