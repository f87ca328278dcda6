package app

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/govhall/govhall/internal/ids"
)

// NewLogger returns the program's structured logger, text or JSON. Every
// attribute value passes through ids.MaskText, so an ID number or phone
// number that reaches a log line by accident (in an error message, a path)
// is written masked: logs never hold them in full.
func NewLogger(w io.Writer, format string) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{ReplaceAttr: maskAttr}
	switch format {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: use text or json", format)
}

func maskAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(ids.MaskText(a.Value.String()))
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			a.Value = slog.StringValue(ids.MaskText(err.Error()))
		} else if s, ok := a.Value.Any().(fmt.Stringer); ok {
			a.Value = slog.StringValue(ids.MaskText(s.String()))
		}
	}
	return a
}
