#!/usr/bin/env bash
# Fetches Apache Kafka's server jars (and their runtime dependencies) from Maven Central
# with Maven into $HW_CACHE/kafka/<version>/libs. Cached: a second run is instant.
#   HW_KAFKA_VERSION  default 4.4.0 (the current line); CI also runs the Kafka suite on 3.9.1.
set -euo pipefail
KAFKA_VERSION="${HW_KAFKA_VERSION:-4.4.0}"
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
# storage tool, kafka.tools.StorageTool) and a logging binding so the broker logs. Kafka 4 logs through
# log4j2 but still ships slf4j 1.7, so its binding is log4j2's slf4j-1.x bridge (log4j-slf4j-impl, not the
# 2.x-only log4j-slf4j2-impl); 3.x logs through reload4j.
case "$KAFKA_VERSION" in
  3.*) logging='<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>' ;;
  *) logging='<dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>2.24.3</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.24.3</version></dependency>' ;;
esac
cat >"$pom" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.herdwatch</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_${SCALA_VERSION}</artifactId><version>${KAFKA_VERSION}</version></dependency>
    $logging
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
