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
COPY target/rnn-service-*.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

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
USER rnn
ENV RNN_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["java", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx32m", "-cp", "/app/BOOT-INF/classes", "org.rnnservice.HealthProbe"]
# exec form: java is PID 1 and gets SIGTERM itself, for a graceful shutdown that checkpoints running jobs
ENTRYPOINT ["java", "--add-modules=jdk.incubator.vector", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", \
    "org.springframework.boot.loader.launch.JarLauncher"]
