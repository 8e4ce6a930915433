package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/quintet-ag/quintet/internal/conference"
	"github.com/quintet-ag/quintet/internal/mail"
)

// sendReminders runs the reminder pass at start and then every
// cfg.ReminderEvery, in its own goroutine: no request waits for it. Without
// QUINTET_SMTP_URL it does nothing; the app shows the digest either way.
func sendReminders(ctx context.Context, cfg Config, svc *conference.Service, st conference.DigestStore, baseURL string, logger *slog.Logger) {
	if cfg.SMTPURL == "" {
		logger.Info("no QUINTET_SMTP_URL: reminders are shown in the app only")
		return
	}
	sender, err := mail.New(cfg.SMTPURL, cfg.MailFrom)
	if err != nil { // loadConfig checked it
		logger.Error("reminders", slog.Any("err", err))
		return
	}
	t := time.NewTicker(cfg.ReminderEvery)
	defer t.Stop()
	for {
		pass, err := svc.SendReminders(ctx, sender, st, baseURL)
		if err != nil && ctx.Err() == nil {
			logger.Warn("send reminders", slog.Any("err", err))
		}
		if pass.Sent > 0 {
			logger.Info("sent reminders", slog.Int("count", pass.Sent))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
