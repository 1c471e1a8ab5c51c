# The portal's image: the web app (gunicorn), the Celery worker and Celery beat all run from it
# (see docker-compose.yml). Configuration comes from the environment at run time only.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PRIVATE_STORAGE_ROOT=/data/private

WORKDIR /app

# The locked dependencies first (every transitive one at its exact version; script/lock makes the
# file from pyproject.toml), in their own layer, so a code change does not reinstall them.
COPY requirements/production.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt

# Then the project itself. Installed in place (editable), so that there is one copy of the code
# and it always runs from /app, beside its templates/ and static/.
COPY . .
RUN pip install --no-deps -e .

# Hashed, compressed static files for WhiteNoise. The settings refuse to load without a
# SECRET_KEY outside DEBUG; this one exists only for this build step and is never used to sign.
RUN DEBUG=false SECRET_KEY=collectstatic-at-build-time-only-not-a-secret \
    python manage.py collectstatic --noinput

# Run as an unprivileged user, who can write only to the private files' volume (and /tmp).
RUN useradd --system --user-group --uid 10001 --home-dir /nonexistent --no-create-home app \
    && mkdir -p /data/private \
    && chown app:app /data/private
USER app
VOLUME ["/data/private"]

EXPOSE 8000
CMD ["gunicorn", "council.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "1"]
