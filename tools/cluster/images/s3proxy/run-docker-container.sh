#!/bin/sh
# Every S3PROXY_<NAME> / JCLOUDS_<NAME> variable becomes -Ds3proxy.<name> / -Djclouds.<name>
# (lower case, '_' → '-', with the upstream script's few dotted names), properties file /dev/null.
set -eu
mkdir -p "${JCLOUDS_FILESYSTEM_BASEDIR:-/data}" 2>/dev/null || true
set -- -DLOG_LEVEL="${LOG_LEVEL:-info}"
for pair in $(env | grep -E '^(S3PROXY|JCLOUDS)_[A-Z0-9_]+=' | cut -d= -f1); do
  case "$pair" in
    S3PROXY_JAVA_OPTS) continue ;;
    S3PROXY_VIRTUALHOST) key=s3proxy.virtual-host ;;
    S3PROXY_V4_MAX_NON_CHUNKED_REQ_SIZE) key=s3proxy.v4-max-non-chunked-request-size ;;
    S3PROXY_METRICS_ENABLED) key=s3proxy.metrics.enabled ;;
    S3PROXY_METRICS_PORT) key=s3proxy.metrics.port ;;
    S3PROXY_METRICS_HOST) key=s3proxy.metrics.host ;;
    JCLOUDS_FILESYSTEM_BASEDIR) key=jclouds.filesystem.basedir ;;
    JCLOUDS_KEYSTONE_*) key="jclouds.keystone.$(echo "${pair#JCLOUDS_KEYSTONE_}" | tr 'A-Z_' 'a-z-')" ;;
    S3PROXY_*) key="s3proxy.$(echo "${pair#S3PROXY_}" | tr 'A-Z_' 'a-z-')" ;;
    JCLOUDS_*) key="jclouds.$(echo "${pair#JCLOUDS_}" | tr 'A-Z_' 'a-z-')" ;;
  esac
  eval "value=\${$pair}"
  set -- "$@" "-D$key=$value"
done
# shellcheck disable=SC2086 # S3PROXY_JAVA_OPTS is a word list
exec java ${S3PROXY_JAVA_OPTS:-} "$@" -jar /opt/s3proxy/s3proxy --properties /dev/null
