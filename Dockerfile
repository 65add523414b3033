# reportgen 报送平台 as a container image. Build where docker runs:   docker build -t reportgen .
# Run with compose.yaml, or:  docker run -d -p 127.0.0.1:8000:8000 -v /srv/reportgen/data:/data reportgen
# The workspace is the volume /data (report.toml, inputs/, outputs/, .reportgen/); a new one is made with
#   docker run --rm -v /srv/reportgen/data:/data reportgen init /data --region 示例区
# Manual: docs/办公室使用手册/部署.md

# Python 3.11 on Debian 12 slim: the Python and the Debian packages the tests run on.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY templates ./templates
RUN python -m venv /opt/reportgen \
 && /opt/reportgen/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/reportgen/bin/pip install --no-cache-dir . \
 && /opt/reportgen/bin/python -m compileall -q /opt/reportgen/lib

FROM python:3.11-slim-bookworm
# fonts-noto-cjk, fonts-lxgw-wenkai: the documents' Chinese fonts; libharfbuzz-subset0: WeasyPrint embeds only the
# characters used; libpango: WeasyPrint's text layout; poppler-utils: page previews on the office's page;
# tzdata: times and deadlines in China's time (TZ below); tini: stops the server and its build workers cleanly.
# Versions are not pinned: the image is rebuilt to take Debian's security updates.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      fonts-noto-cjk fonts-lxgw-wenkai libharfbuzz-subset0 poppler-utils \
      libpango-1.0-0 libpangoft2-1.0-0 fontconfig tzdata tini \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 reportgen \
 && useradd --system --uid 10001 --gid reportgen --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin reportgen \
 && mkdir /data && chown reportgen:reportgen /data && chmod 0750 /data
COPY --from=build /opt/reportgen /opt/reportgen
ENV PATH=/opt/reportgen/bin:$PATH \
    LANG=C.UTF-8 \
    TZ=Asia/Shanghai \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    XDG_CACHE_HOME=/tmp/cache \
    FORWARDED_ALLOW_IPS=127.0.0.1
# numeric, so that a runtime that insists on a non-root user can check it; owner of /data on the host: 10001
USER 10001:10001
WORKDIR /data
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["tini", "--", "reportgen"]
CMD ["serve", "/data", "--host", "0.0.0.0", "--port", "8000"]
