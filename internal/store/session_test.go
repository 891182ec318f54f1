package store_test

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
	"testing"

	"github.com/complaintflow/complaintflow/internal/store"
	"github.com/complaintflow/complaintflow/internal/testenv"
)

// The store's sessions run without JIT (the reports over a period are cheaper
// without it, docs/performance.md), unless DATABASE_URL sets jit: the operator's
// value wins, and so does one the database sets.
func TestSessionsRunWithoutJITUnlessTheURLSetsIt(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.NewDatabase(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("jit", "on")
	u.RawQuery = q.Encode()
	for _, c := range []struct{ name, dsn, before, want string }{
		{"the store's default", dsn, "", "off"},
		{"DATABASE_URL's jit=on", u.String(), "", "on"},
		{"ALTER DATABASE … SET jit = on", dsn, "ALTER DATABASE " + strings.TrimPrefix(u.Path, "/") + " SET jit = on", "on"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, err := store.Open(ctx, c.dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if c.before != "" {
				// The database's setting applies to sessions opened after it: close this one.
				if _, err := st.DB().ExecContext(ctx, c.before); err != nil {
					t.Fatal(err)
				}
				st.DB().SetMaxIdleConns(0)
			}
			// Several sessions at once, so each is a connection of its own.
			var conns []*sql.Conn
			for range 3 {
				conn, err := st.DB().Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				conns = append(conns, conn)
			}
			for i, conn := range conns {
				var jit string
				if err := conn.QueryRowContext(ctx, `SHOW jit`).Scan(&jit); err != nil {
					t.Fatal(err)
				}
				if jit != c.want {
					t.Errorf("connection %d: jit = %s, want %s", i, jit, c.want)
				}
			}
		})
	}
}
