package main

import "testing"

func TestDescribeStatements(t *testing.T) {
	got := describeStatements([]pgStatement{
		{Database: "complaintflow_bench", TopLevel: true, Calls: 4, TotalMS: 10, Rows: 4, Query: "SELECT `x` FROM t"},
		{Database: "temporal_bench", TopLevel: false, Calls: 3, TotalMS: 1500.4, Query: "UPDATE t"},
	})
	want := "- 10 ms in 4 calls (2.500 ms each, 4 rows; complaintflow_bench): `SELECT 'x' FROM t`\n" +
		"- 1500 ms in 3 calls (500.133 ms each, 0 rows; temporal_bench, nested): `UPDATE t`\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// -pg-statements needs the private PostgreSQL and a mode that reports it.
func TestPgStatementsFlagChecked(t *testing.T) {
	for _, tt := range []struct {
		cfg config
		ok  bool
	}{
		{config{mode: "intake", temporalServer: "dev", pgStatements: 5}, true},
		{config{mode: "breach", temporalServer: "real", shards: 16, pgStatements: 5}, true},
		{config{mode: "scale", temporalServer: "dev", pgStatements: 5}, false},
		{config{mode: "console", temporalServer: "dev", pgStatements: 5}, false},
		{config{mode: "intake", temporalServer: "dev", pgStatements: 5, databaseURL: "postgres://x"}, false},
		{config{mode: "intake", temporalServer: "dev", pgStatements: -1}, false},
		{config{mode: "scale", temporalServer: "dev"}, true},
	} {
		if err := tt.cfg.checkServer(); (err == nil) != tt.ok {
			t.Errorf("%+v: err %v, want ok=%v", tt.cfg, err, tt.ok)
		}
	}
}
