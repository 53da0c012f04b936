# rnn-service container image.
#
# Built from the jar that `./mvnw -DskipTests package` makes on the host rather than with Maven inside: it is the
# very artifact the tests ran against, compiled by JDK 17 so it runs on any JDK 17+; the image build needs no
# dependency download; and Spring Boot's layers make a code change rebuild only the small application layer.
#
#   ./mvnw -DskipTests package && docker compose up -d --build --wait

# A Java runtime that surely has the Vector API: JRE images are not guaranteed to ship the incubator module (the
# local one here does not), so jlink one from the JDK with exactly the modules the service uses.
FROM eclipse-temurin:25-jdk AS runtime
RUN jlink --add-modules java.se,jdk.incubator.vector,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.management.jfr,jdk.jfr,jdk.naming.dns,jdk.net,jdk.zipfs \
    --no-man-pages --no-header-files --compress=zip-6 --output /jre

FROM eclipse-temurin:25-jre AS layers
WORKDIR /build
COPY target/rnn-service-*.jar rnn-service.jar
# a plain jar and its libraries (no launcher): the application class loader loads them, which the AOT cache needs
RUN java -Djarmode=tools -jar rnn-service.jar extract --layers --destination extracted

FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 rnn \
    && useradd --system --uid 10001 --gid rnn --home-dir /app --no-create-home --shell /usr/sbin/nologin rnn \
    && mkdir -p /data /app && chown rnn:rnn /data
COPY --from=runtime /jre /opt/rnn/jre
ENV JAVA_HOME=/opt/rnn/jre PATH=/opt/rnn/jre/bin:$PATH
WORKDIR /app
# least-changing layers first, so a rebuild after a code change reuses the rest
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
# The JDK's AOT cache (JEP 483, 514): a training run of the start-up at image build, with the module options the
# service runs with, so that every start finds its classes already loaded and linked. Spring's
# spring.context.exit=onRefresh ends the run once the application context is up.
RUN java --add-modules=jdk.incubator.vector -XX:AOTCacheOutput=/app/rnn-service.aot \
        -Dspring.context.exit=onRefresh -jar rnn-service.jar --rnn.data-dir=/tmp/aot-training \
    && rm -rf /tmp/aot-training
USER rnn
ENV RNN_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["java", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx32m", "-cp", "/app/rnn-service.jar", "org.rnnservice.HealthProbe"]
# exec form: java is PID 1 and gets SIGTERM itself, for a graceful shutdown that checkpoints running jobs
ENTRYPOINT ["java", "--add-modules=jdk.incubator.vector", "-XX:AOTCache=/app/rnn-service.aot", \
    "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "rnn-service.jar"]
