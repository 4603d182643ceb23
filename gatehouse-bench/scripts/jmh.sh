#!/usr/bin/env bash
# Runs the JMH microbenchmarks of hot code (routing, header rewriting). Arguments go to JMH, e.g.
#   gatehouse-bench/scripts/jmh.sh Router -f 1 -wi 3 -i 5
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
. "$root/bin/lib/find-java.sh"
gatehouse_find_java || exit 1
export JAVA_HOME=$GATEHOUSE_JAVA_HOME
cd "$root"
./mvnw -B -q -DskipTests -Dmaven.test.skip=true install -pl gatehouse-bench -am
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
./mvnw -B -q -pl gatehouse-bench dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null
exec "$JAVA_HOME/bin/java" -cp "gatehouse-bench/target/classes:$(cat "$cp_file")" org.openjdk.jmh.Main "$@"
