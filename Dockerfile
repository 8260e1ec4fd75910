# happymood: runs migrations, then the bot, as an unprivileged user.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY cogs ./cogs
COPY migrations ./migrations
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 happymood && mkdir -p /data && chown happymood /data
COPY --from=build /install /usr/local
USER happymood
WORKDIR /home/happymood
ENV HAPPYMOOD_GENERAL__DATA_DIR=/data \
    HAPPYMOOD_GENERAL__LOG_FORMAT=json \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
# The token comes from the environment (HAPPYMOOD_DISCORD__TOKEN) or a mounted secrets file
# (HAPPYMOOD_DISCORD__TOKEN_FILE=/run/secrets/discord_token); never bake it into the image.
# `happymood run` applies pending migrations before it connects.
ENTRYPOINT ["happymood"]
CMD ["run"]
