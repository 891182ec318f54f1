package main

import (
	"context"
	"slices"
	"testing"
)

// The arms take turns to go first, so that the one going second, on the buffers
// and page cache the other warmed, is not always jit = off.
func TestTheJITArmsTakeTurnsToGoFirst(t *testing.T) {
	var order []string
	call := func(arm string) func(context.Context) error {
		return func(context.Context) error { order = append(order, arm); return nil }
	}
	got, err := timeArms(context.Background(), 2, 4, [2]func(context.Context) error{call("on"), call("off")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"on", "off", "off", "on", "on", "off", "off", "on", "on", "off", "off", "on"}
	if !slices.Equal(order, want) {
		t.Errorf("calls %v, want %v", order, want)
	}
	if len(got.arm[0]) != 4 || len(got.arm[1]) != 4 || len(got.place[0]) != 4 || len(got.place[1]) != 4 {
		t.Errorf("measured %d on, %d off, %d first, %d second; want 4 of each after the warm-up",
			len(got.arm[0]), len(got.arm[1]), len(got.place[0]), len(got.place[1]))
	}
}
