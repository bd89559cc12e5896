# Hestami API image (used by docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so code edits do not reinstall them.
COPY pyproject.toml constraints.txt ./
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > /tmp/requirements.txt \
 && pip install -c constraints.txt -r /tmp/requirements.txt

COPY . .
RUN pip install -c constraints.txt . \
 && useradd --system --create-home --home-dir /home/hestami hestami \
 && mkdir -p /app/.hestami && chown hestami:hestami /app/.hestami

USER hestami
ENV HESTAMI_HOST=0.0.0.0 \
    HESTAMI_PORT=8000
EXPOSE 8000

CMD ["sh", "-c", "hestami db bootstrap && hestami migrate && exec hestami serve"]
