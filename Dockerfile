# The release server and its site, as `make build` made them; `make image` stages both
# into the build context (CARGO_TARGET_DIR may live outside the clone). No compiler in
# the image: it is the binary, the site, and a non-root user.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin app \
    && mkdir -p /data /app \
    && chown app:app /data

COPY investment-system /usr/local/bin/investment-system
COPY Leptos.toml /app/Leptos.toml
COPY site /app/site

WORKDIR /app
ENV ENVIRONMENT=production \
    LEPTOS_ENV=PROD \
    LEPTOS_SITE_ADDR=0.0.0.0:3000 \
    LEPTOS_SITE_ROOT=/app/site \
    DATA_DIR=/data \
    DATABASE_URL=sqlite:///data/investment.db
VOLUME ["/data"]
EXPOSE 3000
USER app

# The binary asks itself: no curl in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["investment-system", "healthcheck"]

# `serve` applies pending migrations before it listens.
CMD ["investment-system", "serve"]
