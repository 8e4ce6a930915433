package httpapi

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// serveFrontend serves the built web app: files as they are, and index.html
// for any other path, so that the app's own routes survive a reload.
func (a *api) serveFrontend(c *gin.Context) {
	if a.cfg.Frontend == nil || (c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
		abortWith(c, http.StatusNotFound, "not_found", "Not found.")
		return
	}
	name := strings.TrimPrefix(path.Clean(c.Request.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	if st, err := fs.Stat(a.cfg.Frontend, name); err != nil || st.IsDir() {
		name = "index.html"
	}
	body, err := fs.ReadFile(a.cfg.Frontend, name)
	if err != nil {
		abortWith(c, http.StatusNotFound, "not_found", "The web app is not built; run `make build` or `make run`.")
		return
	}
	if strings.HasPrefix(name, "assets/") {
		// Vite names assets by content hash: they never change.
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "no-cache")
	}
	c.Data(http.StatusOK, contentType(name), body)
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".ico":
		return "image/x-icon"
	case ".json", ".webmanifest":
		return "application/json"
	case ".woff2":
		return "font/woff2"
	default:
		return "application/octet-stream"
	}
}
