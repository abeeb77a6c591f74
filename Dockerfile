FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# libharfbuzz-subset0: WeasyPrint subsets the CJK font with it in milliseconds (its fontTools fallback takes
# 10–15 s of CPU per credit report, whatever its length).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*
# The site runs as an unprivileged user of its own that owns the media folder (uploaded spreadsheets,
# evidence, credit reports): the named volume mounted there by docker-compose.yml takes this ownership.
RUN groupadd --system --gid 10001 credit && useradd --system --uid 10001 --gid credit --create-home --home-dir /home/credit credit
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
# collectstatic under the production settings, so the files get the hashed names and compressed copies that
# CompressedManifestStaticFilesStorage serves at run time. The values below exist only for this build step
# (nothing connects to them); the real ones come from the environment when the container starts.
RUN pip install --no-cache-dir . && \
    DJANGO_SETTINGS_MODULE=credit_portal.settings.production \
    DJANGO_SECRET_KEY=build-only-collectstatic-not-a-real-secret-key \
    SUBJECT_ID_HASH_KEY=build-only-collectstatic-not-a-real-hash-key \
    DJANGO_ALLOWED_HOSTS=localhost SITE_URL=https://localhost DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput && \
    mkdir -p /app/media && chown credit:credit /app/media
ENV DJANGO_MEDIA_ROOT=/app/media
USER credit
EXPOSE 8000
