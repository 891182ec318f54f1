package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/complaintflow/complaintflow/internal/devenv"
)

func main() {
	ctx := context.Background()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	_, err := devenv.StartPostgres(ctx, devenv.PostgresOptions{Port: port, Fast: true})
	fmt.Println("PG busy port:", err)
	_, err = devenv.StartTemporal(ctx, devenv.TemporalOptions{Port: port, Headless: true})
	fmt.Println("Temporal busy port:", err)
	if len(os.Args) > 1 {
		pg, err := devenv.StartPostgres(ctx, devenv.PostgresOptions{Fast: true})
		fmt.Println(err)
		t, err := devenv.StartTemporal(ctx, devenv.TemporalOptions{Headless: true})
		fmt.Println(err, pg.Port(), t.Address())
		time.Sleep(time.Hour)
	}
}
