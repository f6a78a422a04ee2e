# syntax=docker/dockerfile:1
# The tokenwarden worker image. Targets:
#   worker (the default, last stage)  the worker alone: `run`, `migrate`, `produce`
#   demo                              plus the demo and local-stack modules: `fake-provider`, `gateways`, `demo`, ...
# The bases are build arguments so the same file builds from the official images anywhere and from local
# bases where no registry can be reached (scripts/container-images).
ARG BUILD_BASE=eclipse-temurin:17-jdk
ARG RUNTIME_BASE=eclipse-temurin:17-jre

FROM ${BUILD_BASE} AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY events-schema events-schema
COPY local-stack local-stack
COPY worker worker
COPY demo demo
# The build's own checks (Checkstyle at validate) read their rules from here.
COPY config/checkstyle config/checkstyle
COPY config/spotbugs config/spotbugs
# MAVEN_FLAGS: e.g. "-B -ntp -o" where the Maven repository is mounted into the build (podman build --volume).
ARG MAVEN_FLAGS="-B -ntp"
RUN ./mvnw ${MAVEN_FLAGS} -Dmaven.test.skip=true package dependency:copy-dependencies -DincludeScope=runtime \
    && mkdir -p /out/worker /out/demo \
    && cp worker/target/dependency/*.jar worker/target/worker-*.jar /out/worker/ \
    && cp demo/target/dependency/*.jar demo/target/demo-*.jar /out/demo/ \
    && cd /out/demo && for jar in *.jar; do [ ! -e "/out/worker/$jar" ] || rm "$jar"; done

FROM ${RUNTIME_BASE} AS runtime
# The heap bound and the JVM options of every worker launch path (runtime/JvmOptions.RECOMMENDED, sized from
# measurement; JvmOptionsTest keeps this line equal to it); override at run time with JAVA_TOOL_OPTIONS.
# ExitOnOutOfMemoryError: a worker out of memory is restarted by the platform instead of limping on with dead threads.
# MALLOC_ARENA_MAX: RocksDB allocates with malloc, whose per-thread arenas otherwise grow the process for nothing.
ARG HEAP=256m
ENV JAVA_TOOL_OPTIONS="-Xmx${HEAP} -XX:+UseSerialGC -XX:MaxMetaspaceSize=128m -XX:+ExitOnOutOfMemoryError" \
    MALLOC_ARENA_MAX=2 \
    TOKENWARDEN_HTTP_PORT=8080 \
    TOKENWARDEN_KAFKA_STATE_DIR=/var/lib/tokenwarden/streams
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/tokenwarden --shell /usr/sbin/nologin tokenwarden \
    && mkdir -p /var/lib/tokenwarden/streams /opt/tokenwarden/lib \
    && chown -R tokenwarden:tokenwarden /var/lib/tokenwarden
COPY --chmod=755 deploy/healthcheck /usr/local/bin/tokenwarden-healthcheck
COPY --from=build /out/worker/ /opt/tokenwarden/lib/
USER tokenwarden
WORKDIR /var/lib/tokenwarden
# Kafka Streams' state stores (changelogged, so a new volume only costs a restore). One volume per replica.
VOLUME ["/var/lib/tokenwarden"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["/usr/local/bin/tokenwarden-healthcheck"]
ENTRYPOINT ["java", "-cp", "/opt/tokenwarden/lib/*", "dev.tokenwarden.cli.Main"]
CMD ["run"]

FROM runtime AS demo
COPY --from=build /out/demo/ /opt/tokenwarden/lib/

FROM runtime AS worker
