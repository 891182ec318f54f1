package testenv_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	_ "github.com/lib/pq"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/complaintflow/complaintflow/internal/testenv"
	"github.com/complaintflow/complaintflow/workflows"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestNewDatabaseIsMigrated(t *testing.T) {
	dsn := testenv.NewDatabase(t)
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var table *string
	if err := db.QueryRow(`SELECT to_regclass('public.complaints')::text`).Scan(&table); err != nil {
		t.Fatal(err)
	}
	if table == nil {
		t.Fatalf("table complaints missing in %s", dsn)
	}
}

func TestNewDatabaseIsPrivate(t *testing.T) {
	a, b := testenv.NewDatabase(t), testenv.NewDatabase(t)
	if a == b {
		t.Fatalf("two calls returned the same database %s", a)
	}
	dbA, err := sql.Open("postgres", a)
	if err != nil {
		t.Fatal(err)
	}
	defer dbA.Close()
	if _, err := dbA.Exec(`DELETE FROM sla_policies`); err != nil {
		t.Fatal(err)
	}
	dbB, err := sql.Open("postgres", b)
	if err != nil {
		t.Fatal(err)
	}
	defer dbB.Close()
	var n int
	if err := dbB.QueryRow(`SELECT count(*) FROM sla_policies`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 10 { // the seeded urgency × tier matrix and the negative-feedback source policy
		t.Fatalf("sla_policies in the second database: %d rows, want 10", n)
	}
}

func TestTemporal(t *testing.T) {
	hostPort := testenv.Temporal(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.DialContext(ctx, client.Options{HostPort: hostPort})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		t.Fatal(err)
	}
	resp, err := c.OperatorService().ListSearchAttributes(ctx,
		&operatorservice.ListSearchAttributesRequest{Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	for _, def := range workflows.SearchAttributeDefinitions() {
		name, _, _ := strings.Cut(def, "=")
		if _, ok := resp.GetCustomAttributes()[name]; !ok {
			t.Errorf("search attribute %s not registered; have %v", name, resp.GetCustomAttributes())
		}
	}
	if _, ok := resp.GetCustomAttributes()["ComplaintStatus"]; !ok {
		t.Error("ComplaintStatus not registered")
	}
}
