//go:build tools

// Package tools pins the Temporal CLI that `make run`, `make soak` and the tests
// run as their dev server (`make temporal-cli` builds it from this module), with
// one change to its release's dependencies: modernc.org/sqlite v1.60.1 instead of
// v1.34.1. In v1.34.1 a query whose context ends after its first row leaves its
// statement running with SQLite's interrupt flag set; the dev server gives SQLite
// one connection, so from then on every operation fails with "interrupted (9)"
// until a restart — the wedge of issue 18 (docs/operations.md, "Soak").
// sqlite_test.go shows the failure and that the pinned driver does not have it.
package tools

import _ "github.com/temporalio/cli/cmd/temporal"
