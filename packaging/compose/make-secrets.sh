#!/bin/sh
# Random passwords for compose.yaml, written once into ./secrets/ (mode 0600).
set -eu
cd "$(dirname "$0")"
umask 077
mkdir -p secrets
[ -s secrets/postgres-password ] || head -c 24 /dev/urandom | base64 | tr -d '/+=' > secrets/postgres-password
[ -s secrets/rabbitmq-password ] || head -c 24 /dev/urandom | base64 | tr -d '/+=' > secrets/rabbitmq-password
[ -s secrets/api-token ] || head -c 32 /dev/urandom | base64 | tr -d '/+=' > secrets/api-token
pg="$(cat secrets/postgres-password)"
mq="$(cat secrets/rabbitmq-password)"
printf 'postgresql://pos:%s@postgres:5432/pos\n' "$pg" > secrets/db-url
printf 'amqp://pos:%s@rabbitmq:5672/%%2F\n' "$mq" > secrets/amqp-url
printf 'default_user = pos\ndefault_pass = %s\n' "$mq" > secrets/rabbitmq-defaults.conf
echo "secrets written to $(pwd)/secrets"
