package main

import (
	"strings"
	"testing"
)

// A dump in pprof's debug=2 format: two goroutines inside a transaction, one
// waiting for PostgreSQL's answer and one runnable in the server's own code, and
// two outside any transaction, one of them waiting for a lock.
const sampleDump = `goroutine 7 [IO wait]:
internal/poll.runtime_pollWait(0x7f3c, 0x72)
	/usr/local/go/src/runtime/netpoll.go:351 +0x85
net.(*conn).Read(0xc000a1, {0xc000b2, 0x1000, 0x1000})
	/usr/local/go/src/net/net.go:194 +0x45
bufio.(*Reader).Read(0xc000c3, {0xc000d4, 0x5, 0x200})
	/usr/local/go/src/bufio/bufio.go:241 +0x197
github.com/lib/pq.(*conn).recvMessage(0xc000e5, 0xc000f6)
	/root/go/pkg/mod/github.com/lib/pq@v1.10.9/conn.go:1000 +0x30
database/sql.(*Tx).ExecContext(...)
	/usr/local/go/src/database/sql/sql.go:2500
go.temporal.io/server/common/persistence/sql.(*SqlStore).txExecute(0xc000aa, {0x2d3c, 0xc000bb}, {0x1c, 0x17}, 0xc000cc)
	/root/go/pkg/mod/go.temporal.io/server@v1.29.1/common/persistence/sql/common.go:55 +0x6d
created by google.golang.org/grpc.(*Server).serveStreams.func2 in goroutine 300
	/root/go/pkg/mod/google.golang.org/grpc@v1.72.2/server.go:1066 +0x11d

goroutine 8 [runnable]:
go.temporal.io/server/common/persistence/serialization.(*serializerImpl).WorkflowMutableStateToBlob(...)
	/root/go/pkg/mod/go.temporal.io/server@v1.29.1/common/persistence/serialization/serializer.go:300
go.temporal.io/server/common/persistence/sql.(*SqlStore).txExecute(0xc000aa, {0x2d3c, 0xc000bb}, {0x1c, 0x17}, 0xc000cc)
	/root/go/pkg/mod/go.temporal.io/server@v1.29.1/common/persistence/sql/common.go:55 +0x6d

goroutine 10 [sync.Mutex.Lock, 1 minutes]:
sync.runtime_SemacquireMutex(0xc000aa, 0x0, 0x1)
	/usr/local/go/src/runtime/sema.go:95 +0x25
sync.(*Mutex).lockSlow(0xc000bb)
	/usr/local/go/src/sync/mutex.go:173 +0x15d
sync.(*Mutex).Lock(...)
	/usr/local/go/src/sync/mutex.go:92
go.temporal.io/server/common/searchattribute.(*managerImpl).refreshCache(0xc000cc, 0x0, {0x1, 0x2, 0x3})
	/root/go/pkg/mod/go.temporal.io/server@v1.29.1/common/searchattribute/manager.go:102 +0x8f

goroutine 9 [select, 2 minutes]:
google.golang.org/grpc/internal/transport.(*controlBuffer).get(0xc000ff, 0x1)
	/root/go/pkg/mod/google.golang.org/grpc@v1.72.2/internal/transport/controlbuf.go:418 +0x113
`

func TestTxGoroutines(t *testing.T) {
	if got := (txGoroutines{}).describe(); got != "n/a" {
		t.Errorf("no dump: %q", got)
	}
	var g txGoroutines
	g.add(sampleDump)
	g.add(sampleDump + "\n")
	want := "2.0 of 4 goroutines inside a persistence transaction on average over 2 dumps " +
		"(IO wait in pq.(*conn).recvMessage 1.0, runnable in serialization.(*serializerImpl).WorkflowMutableStateToBlob 1.0); " +
		"1.0 waiting for a lock (searchattribute.(*managerImpl).refreshCache 1.0)"
	if got := g.describe(); got != want {
		t.Errorf("describe =\n%s\nwant\n%s", got, want)
	}
	if got := goroutineState("goroutine 9 [select, 2 minutes]:"); got != "select" {
		t.Errorf("state = %q", got)
	}
	if got := waitingIn(strings.Split("runtime.gopark(0x1)\n\t/x.go:1\nsync.(*Mutex).Lock(...)\n\t/y.go:2", "\n")); got != "?" {
		t.Errorf("only plumbing: %q", got)
	}
}
