# Sourced by mvnw and .ci/run: the project needs JDK 21 or newer. When JAVA_HOME is unset and the
# default `java` is older, pick the newest JDK 21+ installed under /usr/lib/jvm (Debian/Ubuntu
# layout) so `./mvnw ...` works as written on machines whose default is Java 17.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}
if [ -z "${JAVA_HOME-}" ]; then
  default_major=0
  if command -v java >/dev/null 2>&1; then
    default_major="$(java_major java)"
  fi
  if [ "${default_major:-0}" -lt 21 ]; then
    for candidate in $(find /usr/lib/jvm -mindepth 1 -maxdepth 1 2>/dev/null | sort -rV); do
      if [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate/bin/java")" -ge 21 ] 2>/dev/null; then
        JAVA_HOME="$candidate"
        export JAVA_HOME
        break
      fi
    done
  fi
  if [ -z "${JAVA_HOME-}" ] && [ "${default_major:-0}" -lt 21 ]; then
    echo "audience-relay needs JDK 21 or newer: set JAVA_HOME to one (the default java is ${default_major:-missing})" >&2
    exit 1
  fi
fi
