# reportqa service image: CPU-only torch, the bundled model, a prebuilt index.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    REPORTQA_INDEX_DIR=/app/var/index \
    REPORTQA_HOST=0.0.0.0 \
    REPORTQA_PORT=8000

WORKDIR /app
# The CPU wheel index keeps torch small; PyPI's default torch is the CUDA build.
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY pyproject.toml README.md ./
COPY corpus ./corpus
COPY index ./index
COPY service ./service
COPY eval ./eval
RUN pip install . && reportqa index --quiet

RUN useradd --system --uid 10001 reportqa && chown -R reportqa /app/var
USER reportqa
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status == 200 else 1)"
CMD ["reportqa", "serve", "--host", "0.0.0.0", "--port", "8000"]
