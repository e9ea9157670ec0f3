#!/usr/bin/env bash
# Records the api as released at a commit, as the baseline that bnd-baseline-maven-plugin compares the api
# against (an incompatible change without a major package version bump then fails the build).
# Usage: bundles/api/baseline/make_baseline.sh COMMIT VERSION   e.g. 08e86b7 0.0.1 (then set api.baseline.version)
set -euo pipefail
commit="$1"; version="$2"
here="$(cd "$(dirname "$0")" && pwd)"; root="$(git -C "$here" rev-parse --show-toplevel)"
tmp="$(mktemp -d)"; trap 'git -C "$root" worktree remove --force "$tmp/src" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git -C "$root" worktree add -q "$tmp/src" "$commit"
(cd "$tmp/src" && mvn -B -q -DskipTests package -pl bundles/api)
mvn -B -q install:install-file -Dfile="$tmp/src/bundles/api/target/latentlab-api-0.1.0-SNAPSHOT.jar" -DgroupId=org.latentlab \
  -DartifactId=latentlab-api -Dversion="$version" -Dpackaging=jar -DgeneratePom=true -DlocalRepositoryPath="$here"
find "$here" \( -name _remote.repositories -o -name 'maven-metadata-local.xml' \) -delete
