# Sourced by bin/gatehouse and bin/test. Sets GATEHOUSE_JAVA_HOME to a JDK 21 or newer.
# Order: $JAVA_HOME, then the java on PATH, then JDKs installed in the usual places.

# Prints the feature version (17, 21, 25, ...) of the java binary in $1, or nothing.
gatehouse_java_version() {
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  case "$v" in 1.*) v=${v#1.} ;; esac
  printf '%s' "${v%%.*}"
}

# Succeeds when $1 is a JDK home (java and javac) of version 21 or newer.
gatehouse_is_jdk21() {
  local home=$1 v
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  v=$(gatehouse_java_version "$home/bin/java")
  [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null
}

gatehouse_find_java() {
  local candidate java_on_path
  if [ -n "${JAVA_HOME:-}" ] && gatehouse_is_jdk21 "$JAVA_HOME"; then
    GATEHOUSE_JAVA_HOME=$JAVA_HOME; return 0
  fi
  java_on_path=$(command -v java 2>/dev/null || true)
  if [ -n "$java_on_path" ]; then
    candidate=$(dirname "$(dirname "$(readlink -f "$java_on_path")")")
    if gatehouse_is_jdk21 "$candidate"; then GATEHOUSE_JAVA_HOME=$candidate; return 0; fi
  fi
  # Newest first: sort version-like directory names in reverse.
  for candidate in $(ls -d /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* \
                       /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/* \
                       2>/dev/null | sort -rV); do
    if gatehouse_is_jdk21 "$candidate"; then GATEHOUSE_JAVA_HOME=$candidate; return 0; fi
  done
  cat >&2 <<'MSG'
gatehouse: no JDK 21 or newer found (looked at $JAVA_HOME, the java on PATH and /usr/lib/jvm).
Install one, for example:
  Debian/Ubuntu:  sudo apt-get install openjdk-21-jdk-headless   (or temurin-21-jdk)
  macOS:          brew install openjdk@21
then run this command again, or point JAVA_HOME at it.
MSG
  return 1
}
