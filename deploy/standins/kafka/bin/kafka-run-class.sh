#!/usr/bin/env bash
# Runs a Kafka main class on the jars of /opt/kafka/libs; tools log warnings only, the server its INFO lines.
set -euo pipefail
level=${KAFKA_LOG_LEVEL:-warn}
exec java ${KAFKA_HEAP_OPTS:-} ${KAFKA_JVM_PERFORMANCE_OPTS:-} ${KAFKA_OPTS:-} \
  -Dorg.slf4j.simpleLogger.defaultLogLevel="$level" -Dorg.slf4j.simpleLogger.logFile=System.out \
  -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.showThreadName=false \
  -cp '/opt/kafka/libs/*' "$@"
