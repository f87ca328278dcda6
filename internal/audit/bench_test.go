package audit_test

import (
	"context"
	"testing"

	"github.com/govhall/govhall/internal/audit"
	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
)

// BenchmarkAuditedCommit is the cost of one durable change with its audit
// entry (one transaction: the head update, the entry, the hash), the unit
// every administrative change pays. Run: go test -bench AuditedCommit ./internal/audit
func BenchmarkAuditedCommit(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		for _, alg := range []string{audit.SM3, audit.SHA256} {
			b.Run(engine+"/"+alg, func(b *testing.B) {
				var d *db.DB
				if engine == "sqlite" {
					d = dbtest.SQLite(b)
				} else {
					d = dbtest.Postgres(b)
				}
				l, _ := audit.New(alg, nil)
				ctx := context.Background()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := d.WithTx(ctx, func(tx *db.Tx) error {
						_, err := l.Record(ctx, tx, audit.Event{Action: "bench", ObjectType: "thing", ObjectID: "1"})
						return err
					}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
