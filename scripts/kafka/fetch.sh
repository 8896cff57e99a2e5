#!/usr/bin/env bash
# Fetches Apache Kafka's server jars (and their runtime dependencies) from Maven Central
# with Maven into $HW_CACHE/kafka/<version>/libs. Cached: a second run is instant.
# 3.9.x rather than 4.x because kafkajs speaks protocol versions that 4.0 removed (KIP-896).
set -euo pipefail
KAFKA_VERSION="${HW_KAFKA_VERSION:-3.9.1}"
SCALA_VERSION="2.13"
CACHE="${HW_CACHE:-$HOME/.cache/herdwatch}"
dir="$CACHE/kafka/$KAFKA_VERSION"
libs="$dir/libs"
if [ -f "$dir/.complete" ]; then echo "$dir"; exit 0; fi
command -v mvn >/dev/null || { echo "herdwatch: Maven (mvn) is required to fetch Kafka" >&2; exit 1; }
command -v java >/dev/null || { echo "herdwatch: Java 17+ is required to run Kafka" >&2; exit 1; }
mkdir -p "$dir"
pom="$dir/pom.xml"
# A throwaway project whose only purpose is its dependency list: the broker (whose jar also holds the KRaft
# storage tool, kafka.tools.StorageTool) and a log4j binding so the broker logs.
cat >"$pom" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.herdwatch</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_${SCALA_VERSION}</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
echo "herdwatch: fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $libs" >&2
rm -rf "$libs"
mvn -B -q -f "$pom" -Dmaven.repo.local="$CACHE/m2" \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" >&2
ls "$libs"/kafka_"$SCALA_VERSION"-"$KAFKA_VERSION".jar >/dev/null
touch "$dir/.complete"
echo "$dir"
