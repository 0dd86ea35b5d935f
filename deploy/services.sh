# Sourced by the scripts that need the list of services (deploy/services); bash only.
# generator-service is the synthetic stand-in for the generation backend: it runs locally and in tests, and has
# no image or manifests (a real generator is reached by address, GENERATOR_HOST).
SAFEFRAME_SERVICES_FILE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/services"

# services [column value]: names, in start order, optionally only those whose column (dev-port, image, database,
# kubernetes) has the value
services() {
  awk -v col="${1:-}" -v want="${2:-}" '
    BEGIN { split("name dev-port image database kubernetes", names, " "); for (i in names) index_of[names[i]] = i }
    /^#/ || NF == 0 { next }
    col == "" || $(index_of[col]) == want { print $1 }' "$SAFEFRAME_SERVICES_FILE"
}

# service_field NAME COLUMN: one field of one service
service_field() {
  awk -v name="$1" -v col="$2" '
    BEGIN { split("name dev-port image database kubernetes", names, " "); for (i in names) index_of[names[i]] = i }
    $1 == name { print $(index_of[col]) }' "$SAFEFRAME_SERVICES_FILE"
}

# the services deployed to Kubernetes (every one but the generator stand-in)
deployed_services() { services kubernetes yes; }

# database names of the services that have one
service_databases() { awk '!/^#/ && NF && $4 != "-" { print $4 }' "$SAFEFRAME_SERVICES_FILE"; }
