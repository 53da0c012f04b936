#!/usr/bin/env bash
# local-docker.sh - a real Docker engine and local base images for CI, whose machine reaches
# Debian's packages and Maven Central but no image registry (Debian bookworm, root).
# Not needed with a normal Docker installation, which pulls the base images itself.
#
#   bash local-docker.sh          install, start dockerd, build the local base images
#   bash local-docker.sh stop     stop the dockerd this script started (by its pidfile)
#
# Idempotent: every step is skipped when its result is already there.
#
# Images it creates (all built locally, nothing pulled):
#   local/debian:bookworm   debootstrap --variant=minbase + ca-certificates curl wget tzdata
#       also tagged debian:bookworm, debian:bookworm-slim, debian:12
#   local/temurin:25-jre    local/debian:bookworm + Temurin 25 runtime (jlink of
#                           /usr/lib/jvm/temurin-25-jdk-amd64) in /opt/java/openjdk,
#                           JAVA_HOME=/opt/java/openjdk, PATH has $JAVA_HOME/bin (same layout
#                           as the official eclipse-temurin images)
#       also tagged eclipse-temurin:25-jre, eclipse-temurin:25-jre-noble
#   local/temurin:25-jdk    the whole Temurin 25 JDK in /opt/java/openjdk
#       also tagged eclipse-temurin:25-jdk, eclipse-temurin:25, eclipse-temurin:25-jdk-noble
#   local/openjdk:17-jre    (only with WITH_JAVA17=1) Debian's openjdk-17-jre-headless
#       also tagged eclipse-temurin:17-jre (NB: Debian's OpenJDK 17, not Temurin)
#   local/maven:3.9-temurin-25  (only with WITH_MAVEN=1) Apache Maven in /usr/share/maven on :25-jdk
#   local/postgres:15       (only with WITH_POSTGRES=1) see below
# Because the upstream names are tagged locally, a Dockerfile that says
# `FROM eclipse-temurin:25-jre` builds unchanged: the classic builder and BuildKit both
# use a local image of that name and never try to pull it.
# Do NOT pass --pull, and do not start a Dockerfile with `# syntax=docker/dockerfile:1`
# (BuildKit would try to pull the frontend image and fail).
#
# Knobs (environment):
#   CT_WORK=/var/tmp/ct          scratch folder (rootfs, jre)
#   DOCKER_SOCK=/var/run/docker.sock
#   DOCKER_DATA=/var/lib/docker
#   DOCKERD_EXTRA_ARGS=""        e.g. "--iptables=false" (see NOTES.md)
#   WITH_JAVA17=0|1
#   WITH_MAVEN=0|1               local/maven:3.9-temurin-25, tagged maven:3.9-eclipse-temurin-25,
#                                maven:3-eclipse-temurin-25 (for multi-stage Dockerfiles that run mvn)
#   MAVEN_VERSION=3.9.16
#   WITH_POSTGRES=0|1            local/postgres:15, tagged postgres:15, postgres:15-bookworm:
#                                Debian's postgresql-15 with an entrypoint that honours
#                                POSTGRES_USER/PASSWORD/DB, POSTGRES_HOST_AUTH_METHOD, PGDATA and
#                                /docker-entrypoint-initdb.d (*.sql, *.sh); pg_isready inside
#   WITH_TESTCONTAINERS=0|1      tag local/debian:bookworm as alpine:3.17 (Testcontainers' start-up
#                                check image); tests must also run with TESTCONTAINERS_RYUK_DISABLED=true
#   WITH_COMPOSE_V2=1            docker compose v2 + buildx plugins from Debian trixie's
#                                docker-compose / docker-buildx .debs (static Go binaries,
#                                depend only on libc6 >= 2.34); 0 = only compose v1 (bookworm)
set -euo pipefail

CT_WORK=${CT_WORK:-/var/tmp/ct}
DOCKER_SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
DOCKER_DATA=${DOCKER_DATA:-/var/lib/docker}
DOCKER_EXEC=${DOCKER_EXEC:-/var/run/docker}
DOCKERD_PIDFILE=${DOCKERD_PIDFILE:-$DOCKER_EXEC.pid}
DOCKERD_LOG=${DOCKERD_LOG:-$CT_WORK/dockerd.log}
DOCKERD_EXTRA_ARGS=${DOCKERD_EXTRA_ARGS:-}
WITH_JAVA17=${WITH_JAVA17:-0}
WITH_COMPOSE_V2=${WITH_COMPOSE_V2:-1}
WITH_MAVEN=${WITH_MAVEN:-0}
WITH_POSTGRES=${WITH_POSTGRES:-0}
WITH_TESTCONTAINERS=${WITH_TESTCONTAINERS:-0}
MAVEN_VERSION=${MAVEN_VERSION:-3.9.16}
TEMURIN25=${TEMURIN25:-/usr/lib/jvm/temurin-25-jdk-amd64}
MIRROR=${DEBIAN_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)}
[[ -n $MIRROR ]] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null)
APT=(apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Lock::Timeout=600)
export DEBIAN_FRONTEND=noninteractive
export DOCKER_HOST=unix://$DOCKER_SOCK
# the machine has /usr/local/bin/docker (client 28.x) ahead of Debian's /usr/bin/docker (20.10);
# either works against the 20.10 engine (API 1.41).

mkdir -p "$CT_WORK"
T0=$(date +%s)
step() { STEP_T=$(date +%s); echo "==> $*"; }
done_() { echo "    ($(( $(date +%s) - STEP_T ))s)"; }

if [[ ${1:-} == stop ]]; then
  if [[ -s $DOCKERD_PIDFILE ]] && kill -0 "$(cat "$DOCKERD_PIDFILE")" 2>/dev/null; then
    pid=$(cat "$DOCKERD_PIDFILE"); echo "stopping dockerd pid $pid"; kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  else
    echo "no dockerd running from $DOCKERD_PIDFILE"
  fi
  # dockerd (with its default --iptables=true) leaves its iptables chains, FORWARD policy DROP,
  # ip_forward=1 and the docker0 bridge behind: undo those so the machine is as before
  if command -v iptables >/dev/null; then
    for tbl in filter nat; do
      iptables -t $tbl -S 2>/dev/null | grep -E '^-A .*(DOCKER|docker0|br-)' | sed 's/^-A/-D/' |
        while read -r r; do eval "iptables -t $tbl $r" 2>/dev/null || true; done
      iptables -t $tbl -S 2>/dev/null | sed -n 's/^-N \(DOCKER.*\)/\1/p' |
        while read -r c; do iptables -t $tbl -F "$c" 2>/dev/null; iptables -t $tbl -X "$c" 2>/dev/null || true; done
    done
    [[ -s $CT_WORK/forward-policy.orig ]] && iptables -P FORWARD "$(cat "$CT_WORK/forward-policy.orig")" || true
  fi
  [[ -s $CT_WORK/ip_forward.orig ]] && cat "$CT_WORK/ip_forward.orig" > /proc/sys/net/ipv4/ip_forward || true
  ip link show docker0 >/dev/null 2>&1 && ip link del docker0 || true
  exit 0
fi

# ---------------------------------------------------------------- 1. packages (~30-40s)
step "apt packages: docker.io (engine 20.10 + containerd + runc), docker-compose v1, debootstrap"
if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null || ! command -v docker-compose >/dev/null; then
  "${APT[@]}" update -qq
  "${APT[@]}" install -y -qq --no-install-recommends docker.io docker-compose debootstrap iptables curl ca-certificates >/dev/null
fi
done_

# ---------------------------------------------------------------- 2. compose v2 + buildx (~5s)
PLUG=/usr/local/lib/docker/cli-plugins
if [[ $WITH_COMPOSE_V2 == 1 ]]; then
  step "docker compose v2 + buildx plugins from Debian trixie .debs -> $PLUG"
  if [[ ! -x $PLUG/docker-compose || ! -x $PLUG/docker-buildx ]]; then
    A=$CT_WORK/apt-trixie
    mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/debs" "$A/x"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR trixie main" > "$A/sources.list"
    AO=(-o Dir::Etc::SourceList="$A/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache" -o APT::Sandbox::User=root)
    # a private apt state: the machine's own sources stay bookworm-only
    "${APT[@]}" "${AO[@]}" update -qq
    (cd "$A/debs" && "${APT[@]}" "${AO[@]}" download docker-compose docker-buildx >/dev/null)
    for d in "$A"/debs/*.deb; do dpkg-deb -x "$d" "$A/x"; done
    mkdir -p "$PLUG"
    install -m755 "$A/x/usr/libexec/docker/cli-plugins/docker-compose" "$A/x/usr/libexec/docker/cli-plugins/docker-buildx" "$PLUG/"
  fi
  done_
fi

# ---------------------------------------------------------------- 3. engine (~2s)
step "dockerd (overlay2) on $DOCKER_SOCK"
if ! docker version >/dev/null 2>&1; then
  mkdir -p "$DOCKER_DATA" "$DOCKER_EXEC" "$(dirname "$DOCKER_SOCK")"
  # remember what dockerd changes on the host, for `local-docker.sh stop`
  [[ -s $CT_WORK/ip_forward.orig ]] || cat /proc/sys/net/ipv4/ip_forward > "$CT_WORK/ip_forward.orig"
  [[ -s $CT_WORK/forward-policy.orig ]] || { iptables -S FORWARD 2>/dev/null | sed -n 's/^-P FORWARD //p' > "$CT_WORK/forward-policy.orig"; [[ -s $CT_WORK/forward-policy.orig ]] || echo ACCEPT > "$CT_WORK/forward-policy.orig"; }
  # no systemd here: start it by hand, in its own session so that it outlives this script
  # shellcheck disable=SC2086
  setsid nohup dockerd -H "unix://$DOCKER_SOCK" --data-root "$DOCKER_DATA" --exec-root "$DOCKER_EXEC" \
     --pidfile "$DOCKERD_PIDFILE" $DOCKERD_EXTRA_ARGS >"$DOCKERD_LOG" 2>&1 < /dev/null &
  for _ in $(seq 1 60); do docker version >/dev/null 2>&1 && break; sleep 0.5; done
  docker version >/dev/null || { tail -30 "$DOCKERD_LOG"; exit 1; }
fi
docker info --format 'engine {{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}}'
done_

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- 4. debian base (~25-40s)
step "local/debian:bookworm from debootstrap --variant=minbase"
if ! have_image local/debian:bookworm; then
  R=$CT_WORK/rootfs-bookworm
  rm -rf "$R"
  debootstrap --variant=minbase --include=ca-certificates,curl,wget,tzdata bookworm "$R" "$MIRROR" >"$CT_WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$CT_WORK/debootstrap.log"; exit 1; }
  rm -rf "$R"/var/cache/apt/archives/*.deb "$R"/var/lib/apt/lists/* "$R"/tmp/* "$R"/var/log/*.log
  tar --numeric-owner -C "$R" -c . | docker import -c 'CMD ["bash"]' -c 'ENV LANG=C.UTF-8' - local/debian:bookworm >/dev/null
  rm -rf "$R"
fi
for t in debian:bookworm debian:bookworm-slim debian:12; do docker tag local/debian:bookworm "$t"; done
done_

# ---------------------------------------------------------------- 5. Temurin 25 jre/jdk (~10s)
step "local/temurin:25-jre and :25-jdk from $TEMURIN25"
if ! have_image local/temurin:25-jre || ! have_image local/temurin:25-jdk; then
  B=$CT_WORK/temurin25; rm -rf "$B"; mkdir -p "$B/jre-ctx" "$B/jdk-ctx"
  # Temurin 25 ships no jmods: jlink links from the run-time image (JEP 493), listing modules
  MODS=$("$TEMURIN25/bin/java" --list-modules | sed 's/@.*//' | grep -Ev \
    '^jdk\.(jcmd|jconsole|jdeps|jdi|jlink|jpackage|jshell|javadoc|compiler|jartool|jstatd|hotspot\.agent|editpad|internal\.ed|internal\.jshell|internal\.le|internal\.opt|jsobject|incubator\..*)$' | paste -sd,)
  "$TEMURIN25/bin/jlink" --add-modules "$MODS" --strip-debug --no-man-pages --no-header-files --output "$B/jre-ctx/openjdk" >/dev/null
  "$B/jre-ctx/openjdk/bin/java" -Xshare:dump >/dev/null 2>&1 || true   # CDS archive, as in the real image
  cp -a "$TEMURIN25" "$B/jdk-ctx/openjdk"
  # on this machine lib/security/cacerts is a symlink to /etc/ssl/certs/java/cacerts (the
  # machine's trust store: Mozilla CAs + the machine's egress CA); jlink already copied the
  # file into the jre, make the jdk the same (a dangling link would break TLS in Java)
  cp --remove-destination "$(readlink -f "$TEMURIN25/lib/security/cacerts")" "$B/jdk-ctx/openjdk/lib/security/cacerts"
  JV=$("$TEMURIN25/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = /jdk-/p')
  for k in jre jdk; do
    cat > "$B/$k-ctx/Dockerfile" <<EOF
FROM local/debian:bookworm
ENV JAVA_HOME=/opt/java/openjdk LANG=C.UTF-8 JAVA_VERSION=$JV
ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
COPY openjdk /opt/java/openjdk
CMD ["jshell"]
EOF
    DOCKER_BUILDKIT=0 docker build -q -t local/temurin:25-$k "$B/$k-ctx" >/dev/null 2>&1
  done
  rm -rf "$B"
fi
for t in eclipse-temurin:25-jre eclipse-temurin:25-jre-noble; do docker tag local/temurin:25-jre "$t"; done
for t in eclipse-temurin:25-jdk eclipse-temurin:25 eclipse-temurin:25-jdk-noble; do docker tag local/temurin:25-jdk "$t"; done
docker run --rm local/temurin:25-jre java -version 2>&1 | sed -n 2p
done_

# ---------------------------------------------------------------- 6. optional Java 17 (~40-60s)
if [[ $WITH_JAVA17 == 1 ]]; then
  step "local/openjdk:17-jre (Debian openjdk-17-jre-headless installed by apt inside the image)"
  if ! have_image local/openjdk:17-jre; then
    C=$CT_WORK/j17; mkdir -p "$C"
    cat > "$C/Dockerfile" <<'EOF'
FROM local/debian:bookworm
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null \
 && rm -rf /var/lib/apt/lists/* && ln -s /usr/lib/jvm/java-17-openjdk-amd64 /opt/java-17
ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
EOF
    DOCKER_BUILDKIT=0 docker build -q -t local/openjdk:17-jre "$C" >/dev/null
    rm -rf "$C"
  fi
  docker tag local/openjdk:17-jre eclipse-temurin:17-jre
  done_
fi

# ---------------------------------------------------------------- 7. optional Maven image (~10s)
if [[ $WITH_MAVEN == 1 ]]; then
  step "local/maven:3.9-temurin-25 (Apache Maven $MAVEN_VERSION from Maven Central on local/temurin:25-jdk)"
  if ! have_image local/maven:3.9-temurin-25; then
    M=$CT_WORK/maven; rm -rf "$M"; mkdir -p "$M"
    # the binary distribution is an artifact on Maven Central: fetch it with mvn itself
    mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$CT_WORK/m2" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="org.apache.maven:apache-maven:$MAVEN_VERSION:tar.gz:bin" -DoutputDirectory="$M" >/dev/null
    cat > "$M/Dockerfile" <<EOF
FROM local/temurin:25-jdk
ADD apache-maven-$MAVEN_VERSION-bin.tar.gz /usr/share/
RUN mv /usr/share/apache-maven-$MAVEN_VERSION /usr/share/maven && ln -s /usr/share/maven/bin/mvn /usr/bin/mvn
ENV MAVEN_HOME=/usr/share/maven MAVEN_CONFIG=/root/.m2
CMD ["mvn"]
EOF
    DOCKER_BUILDKIT=0 docker build -q -t local/maven:3.9-temurin-25 "$M" >/dev/null 2>&1
    rm -rf "$M"
  fi
  for t in maven:3.9-eclipse-temurin-25 maven:3-eclipse-temurin-25 "maven:$MAVEN_VERSION-eclipse-temurin-25"; do docker tag local/maven:3.9-temurin-25 "$t"; done
  done_
fi

# ---------------------------------------------------------------- 8. optional PostgreSQL 15 (~20s)
if [[ $WITH_POSTGRES == 1 ]]; then
  step "local/postgres:15 (Debian postgresql-15, entrypoint compatible with the official image's env vars)"
  if ! have_image local/postgres:15; then
    G=$CT_WORK/pg; rm -rf "$G"; mkdir -p "$G"
    cat > "$G/docker-entrypoint.sh" <<'PGEOF'
#!/bin/bash
# minimal stand-in for the official postgres image's entrypoint (same env vars, same PGDATA,
# /docker-entrypoint-initdb.d/*.sql|*.sh on first start)
set -Eeuo pipefail
export PATH=/usr/lib/postgresql/$PG_MAJOR/bin:$PATH
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql; chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_USER:=postgres}"; : "${POSTGRES_DB:=$POSTGRES_USER}"
  AUTH=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$AUTH" != trust ]; then
    echo "Error: POSTGRES_PASSWORD is not set (or set POSTGRES_HOST_AUTH_METHOD=trust)" >&2; exit 1; fi
  pw=$(mktemp); printf '%s' "${POSTGRES_PASSWORD:-}" > "$pw"
  initdb -D "$PGDATA" --username="$POSTGRES_USER" --pwfile="$pw" --auth-local=trust --auth-host="$AUTH" ${POSTGRES_INITDB_ARGS:-} >/dev/null; rm -f "$pw"
  printf '\nhost all all all %s\n' "$AUTH" >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start   # its log too, as upstream: clients such as Testcontainers wait for 'ready to accept connections' twice
  if [ "$POSTGRES_DB" != postgres ]; then psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres -c "CREATE DATABASE \"$POSTGRES_DB\"" >/dev/null; fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh)  echo "running $f"; . "$f" ;;
      *.sql) echo "running $f"; psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -f "$f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo "PostgreSQL init process complete; ready for start up."
fi
[ "$1" = postgres ] && set -- "$@" -c listen_addresses='*'
exec "$@"
PGEOF
    chmod +x "$G/docker-entrypoint.sh"
    cat > "$G/Dockerfile" <<'PGEOF'
FROM local/debian:bookworm
RUN mkdir -p /etc/postgresql-common && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf \
 && apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /docker-entrypoint-initdb.d
ENV PG_MAJOR=15 PGDATA=/var/lib/postgresql/data
ENV PATH=/usr/lib/postgresql/15/bin:$PATH
COPY docker-entrypoint.sh /usr/local/bin/
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
PGEOF
    DOCKER_BUILDKIT=0 docker build -q -t local/postgres:15 "$G" >/dev/null 2>&1
    rm -rf "$G"
  fi
  for t in postgres:15 postgres:15-bookworm; do docker tag local/postgres:15 "$t"; done
  done_
fi

# ---------------------------------------------------------------- 9. optional Testcontainers support (0s)
if [[ $WITH_TESTCONTAINERS == 1 ]]; then
  step "Testcontainers: alpine:3.17 (its start-up check image) -> local/debian:bookworm"
  # Testcontainers 1.21 runs alpine:3.17 at start-up (disk-space check; TESTCONTAINERS_CHECKS_DISABLE
  # did not stop it) and needs testcontainers/ryuk unless TESTCONTAINERS_RYUK_DISABLED=true.
  docker tag local/debian:bookworm alpine:3.17
  echo "    export TESTCONTAINERS_RYUK_DISABLED=true   # before mvn test"
  done_
fi

echo
echo "ready in $(( $(date +%s) - T0 ))s. Images:"
docker images --format '  {{.Repository}}:{{.Tag}}  {{.Size}}' | sort
cat <<EOF

Use:
  export DOCKER_HOST=$DOCKER_HOST
  docker build -t myapp:ci .                                  # FROM eclipse-temurin:25-jre works as is
  docker run -d --name myapp -p 127.0.0.1:8080:8080 myapp:ci
  curl -fsS http://127.0.0.1:8080/actuator/health
  docker compose up -d --build --wait && docker compose ps   # compose v2 (plugin)
  docker-compose up -d --build                               # compose v1.29 (python), bookworm
  docker compose down -v
Stop the engine:  bash $0 stop      (kills the pid in $DOCKERD_PIDFILE)
EOF
