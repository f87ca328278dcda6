package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/govhall/govhall/internal/app"
	"github.com/govhall/govhall/internal/notify"
)

// runOutbox prints the newest messages of the notification outbox with
// their text. Without an SMS gateway (the demo), this is how the operator
// on the server reads a sign-in code, e.g. the system administrator's own
// before they can open /admin/outbox.
func runOutbox(ctx context.Context, args []string) error {
	var limit int
	cfg, err := parseStore("outbox", args, func(fs *flag.FlagSet) {
		fs.IntVar(&limit, "n", 10, "how many of the newest messages to print")
	})
	if err != nil {
		return err
	}
	d, err := app.OpenStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer d.Close()
	ms, err := notify.List(ctx, d, notify.Filter{Limit: limit, ShowBody: true})
	if err != nil {
		return err
	}
	for _, m := range ms {
		fmt.Fprintf(stdout, "%d\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.CreatedAt.In(beijing).Format("2006-01-02 15:04:05"),
			m.Channel, m.Recipient, m.Status, m.Body)
	}
	return nil
}

// beijing is UTC+8, in which times are shown.
var beijing = time.FixedZone("CST", 8*3600)
