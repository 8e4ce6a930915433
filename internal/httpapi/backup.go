package httpapi

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quintet-ag/quintet/internal/conference"
)

// backupAPI serves the backup of a running server: the working set at one
// instant (conference.Service.Backup), streamed as the backup file.
type backupAPI struct {
	replies
	svc *conference.Service
	// write encodes a snapshot as the backup file; nil serves no backups.
	write func(w io.Writer, snap *conference.Snapshot) error
	log   *slog.Logger
}

func (h *backupAPI) routes() []route {
	return []route{
		{method: "GET", path: v1 + "/backup", summary: "A consistent snapshot of every collection, streamed as a backup file (gzip'd JSON lines with a manifest; docs/operations.md)", access: admin, status: 200, handle: h.backup},
	}
}

func (h *backupAPI) backup(c *gin.Context) {
	if h.write == nil {
		h.writeError(c, conference.Errorf(conference.ENOTFOUND, "This server does not serve backups."))
		return
	}
	snap, err := h.svc.Backup(c, actor(c))
	if err != nil {
		h.writeError(c, err)
		return
	}
	name := "quintet-" + time.Now().UTC().Format("20060102T150405Z") + ".jsonl.gz"
	c.Header("Content-Type", "application/gzip")
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Status(http.StatusOK)
	if c.Request.Method == http.MethodHead {
		return
	}
	if err := h.write(c.Writer, snap); err != nil {
		// The answer has begun: all that can be done is to cut it short,
		// which leaves a file without its manifest, which restore refuses.
		h.log.Error("backup failed while streaming", slog.Any("err", err))
		panic(http.ErrAbortHandler)
	}
}
