// Package frontend holds the built web app (frontend/dist, made by `npm run
// build`) so that the server binary carries it.
package frontend

import (
	"embed"
	"io/fs"
)

// all: keeps dist/.gitkeep, so that a fresh clone compiles before the app is built.
//
//go:embed all:dist
var dist embed.FS

// Dist returns the built app, rooted at dist/. Built reports whether it holds
// an index.html, i.e. whether `npm run build` ran before `go build`.
func Dist() (app fs.FS, built bool) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil, false
	}
	_, err = fs.Stat(sub, "index.html")
	return sub, err == nil
}
