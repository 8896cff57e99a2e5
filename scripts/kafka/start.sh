#!/usr/bin/env bash
# Starts a single-node Apache Kafka (KRaft: broker and controller in one JVM) on loopback
# and writes its bootstrap address to $HW_KAFKA_HOME/state. The version is fetch.sh's
# (HW_KAFKA_VERSION, default 4.4.0); a reused broker keeps the version it was started with. Idempotent: a broker that is
# already up is reused. Prints the bootstrap address on stdout.
#   HW_KAFKA_PORT (default 19092; the controller listens on the next port)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
CACHE="${HW_CACHE:-$HOME/.cache/herdwatch}"
home="${HW_KAFKA_HOME:-$CACHE/kafka/run}"
port="${HW_KAFKA_PORT:-19092}"
cport=$((port + 1))
state="$home/state"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -f "$state" ]; then
  # shellcheck disable=SC1090
  . "$state"
  if kill -0 "${KAFKA_PID:-0}" 2>/dev/null && port_open "${KAFKA_PORT:-0}"; then
    if [ -n "${HW_KAFKA_VERSION:-}" ] && [ "${KAFKA_VERSION:-}" != "$HW_KAFKA_VERSION" ]; then
      echo "herdwatch: Kafka ${KAFKA_VERSION:-?} is already running from $home, not $HW_KAFKA_VERSION; stop it first (make kafka-down)" >&2; exit 1
    fi
    echo "$KAFKA_BROKERS"; exit 0
  fi
  rm -f "$state"
fi
if port_open "$port" || port_open "$cport"; then
  echo "herdwatch: port $port or $cport is taken; set HW_KAFKA_PORT to a free port" >&2; exit 1
fi

dist="$("$here/fetch.sh")"
cp_libs="$dist/libs/*"
# HW_KAFKA_KEEP_DATA=1 restarts on the data of a broker stopped with the same setting (restart.sh).
keep=0
if [ "${HW_KAFKA_KEEP_DATA:-}" = 1 ] && [ -f "$home/data/meta.properties" ]; then keep=1; fi
[ "$keep" = 1 ] || rm -rf "$home/data"
mkdir -p "$home/data" "$home/logs"

cat >"$home/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$home/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# Tests join and leave groups constantly; waiting 3 s for more members only slows them.
group.initial.rebalance.delay.ms=0
log.retention.hours=24
log.segment.bytes=67108864
log.cleaner.dedupe.buffer.size=16777216
PROPS

# Kafka 4 logs through log4j2, 3.x through reload4j (log4j 1.x): one file appender either way.
cat >"$home/log4j2.xml" <<XML
<Configuration status="warn">
  <Appenders>
    <File name="file" fileName="$home/logs/server.log"><PatternLayout pattern="[%d] %p %m (%c)%n"/></File>
  </Appenders>
  <Loggers>
    <Logger name="state.change.logger" level="warn"/>
    <Logger name="kafka.log.LogCleaner" level="warn"/>
    <Root level="info"><AppenderRef ref="file"/></Root>
  </Loggers>
</Configuration>
XML
cat >"$home/log4j.properties" <<PROPS
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$home/logs/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
PROPS

jvm=(java -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$home/log4j2.xml" "-Dlog4j.configuration=file:$home/log4j.properties" -cp "$cp_libs")

# The static quorum (controller.quorum.voters) formats the same way on 3.9 and 4.x; 4.x's dynamic quorum
# (controller.quorum.bootstrap.servers, format --standalone) is not needed for one node.
if [ "$keep" = 0 ]; then
  cluster_id="$("${jvm[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  "${jvm[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$home/server.properties" >"$home/logs/format.log" 2>&1 \
    || { cat "$home/logs/format.log" >&2; exit 1; }
fi

# setsid: the broker must outlive this script and the make recipe that ran it.
setsid "${jvm[@]}" kafka.Kafka "$home/server.properties" >"$home/logs/stdout.log" 2>&1 </dev/null &
pid=$!

deadline=$((SECONDS + ${HW_KAFKA_START_TIMEOUT:-120}))
until port_open "$port" && grep -q "Kafka Server started" "$home/logs/server.log" 2>/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "herdwatch: Kafka exited during start; last log lines:" >&2
    tail -30 "$home/logs/server.log" "$home/logs/stdout.log" >&2 || true; exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "herdwatch: Kafka did not start in time; see $home/logs/server.log" >&2
    kill "$pid" 2>/dev/null || true; exit 1
  fi
  sleep 0.5
done
printf 'KAFKA_PID=%s\nKAFKA_PORT=%s\nKAFKA_BROKERS=127.0.0.1:%s\nKAFKA_VERSION=%s\n' "$pid" "$port" "$port" "$(basename "$dist")" >"$state"
echo "herdwatch: Kafka $(basename "$dist") up at 127.0.0.1:$port (pid $pid, logs in $home/logs)" >&2
echo "127.0.0.1:$port"
