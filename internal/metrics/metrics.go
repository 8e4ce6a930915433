// Package metrics is what Quintet tells Prometheus, through the maintained
// client library: HTTP requests, live connections and deliveries, store
// writes, the working set and the start. It is a leaf: it imports nothing of
// this module, and what it watches is handed to it as functions, so that the
// domain, the live hub and the HTTP layer never import Prometheus. Every
// metric is named quintet_… and documented in docs/operations.md.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the registry and the metrics that are counted as things
// happen; the others are read when Prometheus scrapes (Watch…).
type Metrics struct {
	reg *prometheus.Registry

	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	storeWrites   *prometheus.HistogramVec
	storeErrors   *prometheus.CounterVec
	startup       prometheus.Gauge
	backups       *prometheus.CounterVec
	backupSeconds prometheus.Histogram
}

// New returns the metrics with the Go runtime's and the process's own.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "quintet_http_requests_total",
		Help: "HTTP requests answered, by method, route template and status.",
	}, []string{"method", "route", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "quintet_http_request_duration_seconds",
		Help:    "Time to answer an HTTP request, by method and route template (a WebSocket: its handshake).",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"method", "route"})
	m.storeWrites = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "quintet_store_write_duration_seconds",
		Help:    "Time of one store write (insert, replace, delete, or a batch), by operation and collection.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"op", "collection"})
	m.storeErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "quintet_store_write_errors_total",
		Help: "Store writes that failed, by operation and collection (a taken unique key included).",
	}, []string{"op", "collection"})
	m.startup = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "quintet_startup_seconds",
		Help: "Time from the process's start to serving: opening the store and loading the working set.",
	})
	m.backups = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "quintet_backups_total",
		Help: "Backups served through the API, by result (ok or failed).",
	}, []string{"result"})
	m.backupSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "quintet_backup_duration_seconds",
		Help:    "Time to take and stream one backup.",
		Buckets: prometheus.ExponentialBuckets(0.05, 2, 12),
	})
	m.reg.MustRegister(m.requests, m.duration, m.storeWrites, m.storeErrors, m.startup, m.backups, m.backupSeconds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveRequest counts one answered request. route is the route template
// (/api/v1/actions/:id), never the path, so that the series stay few.
func (m *Metrics) ObserveRequest(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method, route).Observe(d.Seconds())
}

// ObserveStoreWrite times one store write, and counts it when it failed.
func (m *Metrics) ObserveStoreWrite(op, collection string, d time.Duration, err error) {
	m.storeWrites.WithLabelValues(op, collection).Observe(d.Seconds())
	if err != nil {
		m.storeErrors.WithLabelValues(op, collection).Inc()
	}
}

// ObserveBackup counts one backup served, and its time.
func (m *Metrics) ObserveBackup(d time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "failed"
	}
	m.backups.WithLabelValues(result).Inc()
	m.backupSeconds.Observe(d.Seconds())
}

// SetStartup records how long the start took.
func (m *Metrics) SetStartup(d time.Duration) { m.startup.Set(d.Seconds()) }

// Live is what the live hub reports, read at each scrape.
type Live struct {
	Connections   func() int
	Subscriptions func() int
	Delivered     func() uint64 // events queued to subscribers, since start
	Dropped       func() uint64 // clients disconnected for reading too slowly, since start
}

// WatchLive registers the live hub's gauges and counters.
func (m *Metrics) WatchLive(l Live) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "quintet_live_connections",
			Help: "Live WebSocket connections open."}, func() float64 { return float64(l.Connections()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "quintet_live_subscriptions",
			Help: "Channel subscriptions of the open live connections."}, func() float64 { return float64(l.Subscriptions()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "quintet_live_deliveries_total",
			Help: "Live events queued to subscribers."}, func() float64 { return float64(l.Delivered()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "quintet_live_slow_client_drops_total",
			Help: "Live clients disconnected because they read too slowly (they reconnect and catch up)."}, func() float64 { return float64(l.Dropped()) }),
	)
}

// WatchWorkingSet registers the working set's size by collection; sizes is
// called at each scrape.
func (m *Metrics) WatchWorkingSet(sizes func() map[string]int) {
	m.reg.MustRegister(&sizeCollector{sizes: sizes, desc: prometheus.NewDesc("quintet_working_set_documents",
		"Documents held in memory, by collection.", []string{"collection"}, nil)})
}

type sizeCollector struct {
	sizes func() map[string]int
	desc  *prometheus.Desc
}

func (c *sizeCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *sizeCollector) Collect(ch chan<- prometheus.Metric) {
	for name, n := range c.sizes() {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), name)
	}
}
