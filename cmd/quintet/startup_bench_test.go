package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/embedded"
)

// BenchmarkStartup50k measures how long `quintet serve` takes from start to
// listening on the embedded store with 50,000 stored documents (the London
// seed plus 50,000 notes spread over its sessions). Goal: under 5 s.
func BenchmarkStartup50k(b *testing.B) {
	dir := b.TempDir() + "/d"
	env := map[string]string{"QUINTET_DATA_DIR": dir, "QUINTET_ADDR": "127.0.0.1:0", "QUINTET_LOG_LEVEL": "error"}
	getenv := func(k string) string { return env[k] }

	// A first start seeds London 2014 and creates an account.
	if err := run(context.Background(), []string{"quintet", "user", "add", "--email", "admin@example.org", "--name", "Admin", "--role", "admin"},
		getenv, strings.NewReader("a long enough password\n"), io.Discard, io.Discard); err != nil {
		b.Fatal(err)
	}
	fillNotes(b, dir, 50_000)

	// Wall time depends on what else the machine runs; the process's CPU time
	// (the embedded store runs in-process, so it is included) much less.
	var cpu time.Duration
	for b.Loop() {
		before := cpuTime()
		ctx, cancel := context.WithCancel(context.Background())
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"quintet", "serve"}, getenv, strings.NewReader(""), pw, io.Discard)
			pw.Close()
		}()
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "is listening on") {
				break
			}
		}
		b.StopTimer()
		cpu += cpuTime() - before
		cancel()
		go io.Copy(io.Discard, pr)
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// fillNotes inserts n notes straight through the driver, in batches: the
// Service would take one write per note, which is not what is measured here.
func fillNotes(b *testing.B, dir string, n int) {
	b.Helper()
	ctx := context.Background()
	srv, err := embedded.Open(ctx, dir, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	client, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		b.Fatal(err)
	}
	defer client.Disconnect(ctx)
	coll := client.Database("quintet").Collection(string(conference.Notes))
	start := time.Date(2014, 7, 9, 9, 0, 0, 0, time.UTC)
	const sessions = 10
	batch := make([]any, 0, 1000)
	for i := range n {
		session := fmt.Sprintf("bench-session-%d", i%sessions)
		batch = append(batch, conference.Note{
			ID: fmt.Sprintf("note-%06d", i), SessionID: session, MeetingID: "london-2014",
			Seq: int64(i/sessions + 1), ClientID: fmt.Sprintf("client-%06d", i), Author: "bench",
			Text:    "The delegation described its approach to mutual legal assistance requests for stored electronic evidence.",
			Marking: conference.Markings[i%3], CreatedAt: start.Add(time.Duration(i) * time.Second),
		})
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := coll.InsertMany(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}
