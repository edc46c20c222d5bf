# syntax=docker/dockerfile:1
# Gatehouse container image: `docker build -t gatehouse:0.1.0 .` from the repository root.
# Multi-stage: Maven + JDK 25 build the executable jar; the runtime stage is a JRE 25, runs as a
# non-root user, holds the jar extracted in Spring Boot's layers (dependencies change rarely, so
# a code change rebuilds and ships only the small application layer) and an AOT cache (JDK 25,
# JEP 483/514/515) recorded by a training run, which cut start-up 3-4x in measurement.

# ---- build: the executable jar, extracted into layers -----------------------------------------
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
# poms first: the dependency download is cached until a pom changes
COPY pom.xml ./
COPY gateway-app/pom.xml gateway-app/
COPY sandbox/pom.xml sandbox/
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -q -pl gateway-app -am dependency:resolve
COPY gateway-app/src/main gateway-app/src/main
# tests run in CI (`mvn verify`), not in the image build; Maven runs on JDK 25 here, so the
# toolchains plugin selects the running JDK
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -q -pl gateway-app -am -Dmaven.test.skip=true package \
 && cp gateway-app/target/gateway-app-*-exec.jar /gatehouse-exec.jar
# The extracted form without the launcher: `java -jar gatehouse.jar` with plain jars on the class
# path, which the AOT cache needs (a nested-jar launcher's class loader defeats it).
RUN java -Djarmode=tools -jar /gatehouse-exec.jar extract --layers --application-filename gatehouse.jar \
    --destination /extracted

# ---- runtime ---------------------------------------------------------------------------------
FROM eclipse-temurin:25-jre AS runtime
# uid/gid 10001 as in k8s/base/deployment.yaml (runAsUser); no home, no shell
RUN groupadd --system --gid 10001 gatehouse \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin gatehouse
WORKDIR /app
# least to most often changed, one image layer each
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
# Heap fixed at half the container's memory limit (the rest is metaspace, code cache, GC, threads;
# see k8s/base/deployment.yaml): a heap that starts small keeps the live set of idle SSE streams
# above G1's marking threshold, and the collector then marks without pause. Also applies to the
# training run below, so the cache is recorded with the flags it is used with.
ENV JAVA_TOOL_OPTIONS="-XX:InitialRAMPercentage=50 -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
# Training run: start the application context with a throwaway configuration (the IdP and backend
# are closed loopback ports: nothing leaves the build) and record the classes it loads and links.
# Rebuilt with every application change, as it must be: the cache is only valid for this class path.
RUN java -XX:AOTCacheOutput=gatehouse.aot -Dspring.context.exit=onRefresh -jar gatehouse.jar \
    --server.port=0 --management.server.port=0 \
    --gatehouse.public-url=https://gatehouse.invalid \
    --gatehouse.issuers.training.discovery-url=http://127.0.0.1:9/.well-known/openid-configuration \
    --gatehouse.routes.training.path=/mcp/training \
    --gatehouse.routes.training.upstream=http://127.0.0.1:9/mcp \
    --gatehouse.routes.training.issuers=training
USER 10001:10001
# 8080: MCP routes and metadata; 9090: health, info, prometheus
EXPOSE 8080 9090
# The configuration comes as an argument, e.g. --spring.config.additional-location=file:/config/gatehouse.yaml
ENTRYPOINT ["java", "-XX:AOTCache=gatehouse.aot", "-jar", "gatehouse.jar"]
